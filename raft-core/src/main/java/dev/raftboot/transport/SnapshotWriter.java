package dev.raftboot.transport;

import java.io.IOException;

/**
 * One incoming image being written. The transport calls {@link #write} for each chunk in order,
 * then exactly one of {@link #complete} (all bytes arrived and the checksum matched) or {@link
 * #abort} (the stream failed; whatever was written must be cleaned up).
 */
public interface SnapshotWriter {
  /** Appends the next {@code length} bytes of the image. */
  void write(byte[] chunk, int offset, int length) throws IOException;

  /** The image is whole: make it durable as needed and hand back a handle to read it. */
  SnapshotImage complete() throws IOException;

  /** The transfer failed: discard the partial image. Never throws. */
  void abort();
}
