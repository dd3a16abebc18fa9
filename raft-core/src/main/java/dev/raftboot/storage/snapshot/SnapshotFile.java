package dev.raftboot.storage.snapshot;

import dev.raftboot.proto.SnapshotMetadata;
import java.nio.file.Path;

/**
 * A complete snapshot file in a {@link SnapshotStore}: where it is, what it is a snapshot of, and
 * how many bytes of state-machine image it holds. Files are immutable once listed.
 */
public record SnapshotFile(Path path, SnapshotMetadata metadata, long dataBytes) {
  public long index() {
    return metadata.getIndex();
  }

  public long term() {
    return metadata.getTerm();
  }
}
