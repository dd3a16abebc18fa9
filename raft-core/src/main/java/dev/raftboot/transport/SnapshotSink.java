package dev.raftboot.transport;

import dev.raftboot.proto.SnapshotMetadata;
import java.io.IOException;

/**
 * The receiving side of a snapshot: where an incoming image is written, chunk by chunk, so it is
 * never held whole in memory. Implemented by the node runtime (e.g. into its snapshot store);
 * {@link TempDirSnapshotSink} writes to files in a directory.
 */
@FunctionalInterface
public interface SnapshotSink {
  /**
   * Starts receiving an image of {@code group} from {@code fromPeer}. Called on a transport thread.
   */
  SnapshotWriter open(String group, long fromPeer, SnapshotMetadata metadata) throws IOException;
}
