package dev.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** A received state-machine image, complete and checksum-verified. */
public interface SnapshotImage {
  /** Number of bytes in the image. */
  long size();

  /** Opens the image for reading from the start; may be called more than once. */
  InputStream openStream() throws IOException;

  /** The file holding the image, when it is a file. */
  default Optional<Path> path() {
    return Optional.empty();
  }

  /** Releases the image (deletes its file) once the runtime no longer needs it. */
  void discard();
}
