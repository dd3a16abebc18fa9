package dev.raftboot.transport;

import dev.raftboot.proto.SnapshotMetadata;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The default {@link SnapshotSink}: each image goes to a {@code .part} file in a directory and is
 * renamed to {@code .snap} once whole, so a crashed transfer never looks complete. Files of aborted
 * transfers are deleted.
 */
public final class TempDirSnapshotSink implements SnapshotSink {
  private final Path directory;

  /** Writes into {@code directory}, creating it if needed. */
  public TempDirSnapshotSink(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create snapshot directory " + directory, e);
    }
  }

  /**
   * Writes into a fresh directory under the system temporary directory, removed when the JVM exits
   * if nothing was left in it.
   */
  public static TempDirSnapshotSink inSystemTemp() {
    try {
      Path directory = Files.createTempDirectory("raftboot-snapshots-");
      // Every transport built without a sink makes one: do not leave them all behind.
      directory.toFile().deleteOnExit();
      return new TempDirSnapshotSink(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary snapshot directory", e);
    }
  }

  public Path directory() {
    return directory;
  }

  @Override
  public SnapshotWriter open(String group, long fromPeer, SnapshotMetadata metadata)
      throws IOException {
    // The group name may hold any character; keep file names portable and unique.
    String safeGroup = group.replaceAll("[^A-Za-z0-9._-]", "_");
    String base =
        safeGroup + "-" + metadata.getTerm() + "-" + metadata.getIndex() + "-" + UUID.randomUUID();
    Path part = directory.resolve(base + ".part");
    return new FileWriter(part, directory.resolve(base + ".snap"));
  }

  private static final class FileWriter implements SnapshotWriter {
    private final Path part;
    private final Path done;
    private final OutputStream out;
    private long size;

    FileWriter(Path part, Path done) throws IOException {
      this.part = part;
      this.done = done;
      this.out = Files.newOutputStream(part);
    }

    @Override
    public void write(byte[] chunk, int offset, int length) throws IOException {
      out.write(chunk, offset, length);
      size += length;
    }

    @Override
    public SnapshotImage complete() throws IOException {
      out.close();
      Files.move(part, done, StandardCopyOption.ATOMIC_MOVE);
      return new FileSnapshotImage(done, size);
    }

    @Override
    public void abort() {
      try {
        out.close();
      } catch (IOException ignored) {
        // The file is deleted next; a failing close changes nothing.
      }
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // Best effort: a leftover .part file is never mistaken for an image.
      }
    }
  }
}
