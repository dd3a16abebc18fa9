package dev.raftboot.node;

import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.transport.SnapshotImage;

/**
 * Images received from the leader between stepping their MSG_SNAPSHOT and the Ready that carries
 * the snapshot, if the consensus module accepts it. At most one is kept (a newer snapshot makes an
 * older one useless); whatever is left when a loop pass ends was refused and is discarded. Loop
 * only.
 */
final class IncomingSnapshots {
  private SnapshotMetadata metadata;
  private SnapshotImage image;

  /** Keeps the image of the snapshot about to be stepped; a previous one is discarded. */
  void stage(SnapshotMetadata metadata, SnapshotImage image) {
    discard();
    this.metadata = metadata;
    this.image = image;
  }

  /**
   * The image of {@code snapshot}: the one staged for it, else the bytes the message carried (a
   * runtime wired without a transport sends images inside messages).
   *
   * @throws IllegalStateException if there is neither
   */
  SnapshotImage take(Snapshot snapshot) {
    SnapshotMetadata wanted = snapshot.getMetadata();
    if (image != null
        && metadata.getIndex() == wanted.getIndex()
        && metadata.getTerm() == wanted.getTerm()) {
      SnapshotImage taken = image;
      image = null;
      metadata = null;
      return taken;
    }
    if (!snapshot.getData().isEmpty()) {
      return new BytesImage(snapshot.getData());
    }
    throw new IllegalStateException(
        "snapshot at index "
            + wanted.getIndex()
            + " came without an image: MSG_SNAPSHOT must arrive through a transport's snapshot"
            + " stream (TransportBinding) or carry its data");
  }

  /** Discards a staged image the consensus module did not take. */
  void discard() {
    if (image != null) {
      image.discard();
      image = null;
      metadata = null;
    }
  }
}
