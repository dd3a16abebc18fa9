package dev.raftboot.node;

import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's snapshots as its raft loop handles them: images received from the leader and waiting
 * for the consensus module's verdict, installing an accepted one before the log records it, and
 * recording the snapshots this node took. Images only ever pass through as streams (see {@link
 * GroupStorage}). Loop only, except the two {@code open} methods the transport calls.
 */
final class GroupSnapshots {
  private static final Logger log = LoggerFactory.getLogger(GroupSnapshots.class);

  private final String group;
  private final GroupStorage storage;
  private final GroupStats stats;
  private final long keepEntries;
  private final OnDemandSnapshots onDemand;

  // An image received between stepping its MSG_SNAPSHOT and the Ready that carries the snapshot,
  // if the consensus module accepts it. At most one, the newest: it makes older ones useless.
  private SnapshotMetadata stagedMetadata;
  private SnapshotImage staged;

  GroupSnapshots(
      String group,
      GroupStorage storage,
      GroupStats stats,
      long keepEntries,
      OnDemandSnapshots onDemand) {
    this.group = group;
    this.storage = storage;
    this.stats = stats;
    this.keepEntries = keepEntries;
    this.onDemand = onDemand;
  }

  /** Where the transport writes an image of this group arriving from the leader. */
  SnapshotWriter openIncoming(SnapshotMetadata metadata) throws IOException {
    return storage.receiveSnapshot(metadata);
  }

  /** The image of this group's snapshot at {@code metadata}, for the transport to send. */
  InputStream openOutgoing(SnapshotMetadata metadata) throws IOException {
    return storage.streamSnapshot(metadata);
  }

  /**
   * Keeps the image of the snapshot about to be stepped, unless one at least as new is staged: the
   * consensus module takes a snapshot only past its commit index, which the staged one (if taken)
   * has already raised to its own index, so the older one will be refused and the staged one may be
   * the image of the snapshot in the next Ready (two streams can finish before a loop pass).
   */
  void stage(SnapshotMetadata metadata, SnapshotImage image) {
    if (staged != null && stagedMetadata.getIndex() >= metadata.getIndex()) {
      image.discard();
      return;
    }
    discardRefused();
    this.stagedMetadata = metadata;
    this.staged = image;
  }

  /**
   * Stores the image of a snapshot the consensus module accepted (it is in a Ready), durably and
   * under its final name, before the log records the snapshot.
   */
  void install(Snapshot snapshot) {
    SnapshotImage image = take(snapshot);
    try {
      storage.installSnapshot(snapshot.getMetadata(), image);
    } finally {
      image.discard();
    }
  }

  /** Records a snapshot this node took and compacts the log behind it. */
  void record(Applier.TakenSnapshot taken) {
    long started = System.nanoTime();
    storage.snapshotAndCompact(taken.metadata(), keepEntries);
    // Writing the image (on the apply executor) and recording it here, together.
    stats.snapshotDurationNanos.accept(taken.writeNanos() + System.nanoTime() - started);
    stats.logFirstIndex = storage.logStorage().firstIndex();
    stats.lastSnapshotIndex = taken.metadata().getIndex();
    onDemand.snapshotRecorded();
    stats.snapshotsTaken.increment();
    log.debug(
        "group {}: snapshot at {} recorded, log compacted", group, taken.metadata().getIndex());
  }

  /** Discards a staged image the consensus module did not take (stale, or a newer one came). */
  void discardRefused() {
    if (staged != null) {
      staged.discard();
      staged = null;
      stagedMetadata = null;
    }
  }

  /**
   * The image of {@code snapshot}: the one staged for it, else the bytes the message carried (a
   * runtime wired without a transport sends images inside messages; RaftGroup drops a snapshot that
   * has neither before stepping it).
   */
  private SnapshotImage take(Snapshot snapshot) {
    SnapshotMetadata wanted = snapshot.getMetadata();
    if (staged != null
        && stagedMetadata.getIndex() == wanted.getIndex()
        && stagedMetadata.getTerm() == wanted.getTerm()) {
      SnapshotImage taken = staged;
      staged = null;
      stagedMetadata = null;
      return taken;
    }
    if (!snapshot.getData().isEmpty()) {
      return new BytesImage(snapshot.getData());
    }
    throw new IllegalStateException(
        "group "
            + group
            + ": snapshot at index "
            + wanted.getIndex()
            + " came without an image: MSG_SNAPSHOT must arrive through a transport's snapshot"
            + " stream (TransportBinding) or carry its data");
  }
}
