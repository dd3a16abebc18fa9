package dev.raftboot.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * The sending side of a snapshot: a state-machine image read once, front to back. Implemented by
 * the node runtime (typically over a snapshot file). The transport closes the stream it opened.
 */
@FunctionalInterface
public interface SnapshotSource {
  /** Opens the image; called once per send, on a transport thread. */
  InputStream open() throws IOException;
}
