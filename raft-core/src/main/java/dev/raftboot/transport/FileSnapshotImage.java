package dev.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A snapshot image held in a file; {@link #discard()} deletes the file. */
public record FileSnapshotImage(Path file, long size) implements SnapshotImage {

  @Override
  public InputStream openStream() throws IOException {
    return Files.newInputStream(file);
  }

  @Override
  public Optional<Path> path() {
    return Optional.of(file);
  }

  @Override
  public void discard() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Best effort: the runtime has no use for an error here.
    }
  }
}
