package dev.raftboot.storage.snapshot;

import dev.raftboot.proto.SnapshotMetadata;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * State-machine snapshots of one group as files in one directory, named {@code
 * snapshot-<index>-<term>.snap} (zero-padded, so names sort by index).
 *
 * <p>Guarantees: a snapshot file is visible only once complete and synced (written to a temp file,
 * fsynced, renamed atomically, directory fsynced), so a crash leaves either the whole new file or
 * none; temp files left by a crash are deleted when the store opens; every byte is covered by a
 * CRC32C, checked before an image is handed to a state machine ({@link #openData}); after each new
 * snapshot only the newest {@code retain} files are kept. One store per directory; its methods are
 * thread-safe.
 */
public final class SnapshotStore {
  static final String SUFFIX = ".snap";
  static final String TEMP_SUFFIX = ".tmp";

  private final Path dir;
  private final int retain;

  private SnapshotStore(Path dir, int retain) {
    this.dir = dir;
    this.retain = retain;
  }

  /**
   * Opens (creating if needed) the snapshot directory, deleting incomplete temp files.
   *
   * @param retain how many snapshots to keep, at least 1
   */
  public static SnapshotStore open(Path dir, int retain) {
    if (retain < 1) {
      throw new IllegalArgumentException("retain must be >= 1: " + retain);
    }
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          if (p.getFileName().toString().endsWith(TEMP_SUFFIX)) {
            Files.deleteIfExists(p); // a write or transfer interrupted by a crash
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open snapshot directory " + dir, e);
    }
    return new SnapshotStore(dir, retain);
  }

  public Path dir() {
    return dir;
  }

  /** Starts writing a snapshot taken at {@code metadata}'s index. */
  public SnapshotWriter beginWrite(SnapshotMetadata metadata) {
    try {
      return new SnapshotWriter(this, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a snapshot in " + dir, e);
    }
  }

  /** What writes an image: typically {@code stateMachine::snapshot}. */
  @FunctionalInterface
  public interface ImageWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes a whole snapshot: the image, then commit. */
  public SnapshotFile write(SnapshotMetadata metadata, ImageWriter image) {
    try (SnapshotWriter w = beginWrite(metadata)) {
      image.writeTo(w.stream());
      return w.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshot in " + dir, e);
    }
  }

  /** A receiver for a snapshot streamed from a leader. */
  public SnapshotReceiver receiver() {
    return new SnapshotReceiver(this);
  }

  /**
   * Every complete snapshot, oldest first; headers are verified, data is not (see {@link
   * #openData}).
   *
   * @throws SnapshotCorruptionException if a file's header fails verification
   */
  public List<SnapshotFile> list() {
    List<SnapshotFile> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().endsWith(SUFFIX)) {
          out.add(describe(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list snapshots in " + dir, e);
    }
    out.sort(Comparator.comparingLong(SnapshotFile::index).thenComparingLong(SnapshotFile::term));
    return out;
  }

  /** The newest snapshot, if any. */
  public Optional<SnapshotFile> latest() {
    List<SnapshotFile> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The image of a snapshot, for a state machine to restore from. The whole file is verified first,
   * so a state machine never consumes a damaged image.
   *
   * @throws SnapshotCorruptionException naming the file if it fails verification
   */
  public InputStream openData(SnapshotFile snapshot) {
    try {
      SnapshotFile verified = SnapshotFileFormat.verify(snapshot.path());
      FileChannel ch = FileChannel.open(snapshot.path(), StandardOpenOption.READ);
      try (FileChannel header = FileChannel.open(snapshot.path(), StandardOpenOption.READ)) {
        ch.position(SnapshotFileFormat.readHeader(snapshot.path(), header).dataOffset());
      }
      return new BufferedInputStream(
          new BoundedInputStream(Channels.newInputStream(ch), verified.dataBytes()), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open snapshot " + snapshot.path(), e);
    }
  }

  /**
   * The image of a snapshot, checked as it is read rather than before: the header is verified at
   * once, and the data's length and checksum when the last byte has been read, where a mismatch
   * throws {@link SnapshotCorruptionException} instead of signalling the end. For streaming an
   * image to a follower without reading it twice; the receiver gets the error, never a damaged
   * image.
   */
  public InputStream openDataStreaming(SnapshotFile snapshot) {
    try {
      FileChannel ch = FileChannel.open(snapshot.path(), StandardOpenOption.READ);
      try {
        SnapshotFileFormat.Header h = SnapshotFileFormat.readHeader(snapshot.path(), ch);
        long dataBytes = ch.size() - h.dataOffset() - SnapshotFileFormat.TRAILER_BYTES;
        if (dataBytes < 0) {
          throw new SnapshotCorruptionException(snapshot.path(), "truncated: no trailer");
        }
        ch.position(h.dataOffset());
        return new CheckedImageStream(snapshot.path(), ch, dataBytes);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open snapshot " + snapshot.path(), e);
    }
  }

  /** The complete snapshot with exactly this metadata's index and term, if the store has it. */
  public Optional<SnapshotFile> find(SnapshotMetadata metadata) {
    for (SnapshotFile f : list()) {
      if (f.index() == metadata.getIndex() && f.term() == metadata.getTerm()) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** How many snapshots the store keeps. */
  public int retain() {
    return retain;
  }

  /** The whole file as stored, for streaming to a follower's {@link SnapshotReceiver}. */
  public InputStream openRaw(SnapshotFile snapshot) {
    try {
      return Files.newInputStream(snapshot.path());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open snapshot " + snapshot.path(), e);
    }
  }

  /** Moves a sealed temp file into place and applies retention. */
  synchronized SnapshotFile publish(Path temp, SnapshotMetadata meta, long dataBytes)
      throws IOException {
    Path target = dir.resolve(fileName(meta));
    DurableFiles.publish(temp, target);
    List<SnapshotFile> all = list();
    // Older files go only after the new one is durable: a crash here leaves one too many.
    for (int i = 0; i < all.size() - retain; i++) {
      Files.deleteIfExists(all.get(i).path());
    }
    return new SnapshotFile(target, meta, dataBytes);
  }

  static String fileName(SnapshotMetadata meta) {
    return String.format("snapshot-%020d-%020d%s", meta.getIndex(), meta.getTerm(), SUFFIX);
  }

  private static SnapshotFile describe(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      SnapshotFileFormat.Header h = SnapshotFileFormat.readHeader(p, ch);
      long data = ch.size() - h.dataOffset() - SnapshotFileFormat.TRAILER_BYTES;
      if (data < 0) {
        throw new SnapshotCorruptionException(p, "truncated: no trailer");
      }
      return new SnapshotFile(p, h.metadata(), data);
    }
  }
}
