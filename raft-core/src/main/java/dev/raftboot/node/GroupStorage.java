package dev.raftboot.node;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.Ready;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The durable side of one group: the {@link LogStorage} the consensus module reads, and the writes
 * the runtime makes for it.
 *
 * <p>Snapshot images go through this interface as streams, never as one array: the runtime writes
 * an image with {@link #writeSnapshot}, sends one with {@link #streamSnapshot}, receives one
 * through {@link #receiveSnapshot}, and restores from {@link #openSnapshot}. The {@code Snapshot}
 * the consensus module reads from {@link #logStorage()} may therefore carry metadata only. (An
 * in-memory storage holds images in memory, as it holds everything.)
 */
public interface GroupStorage {
  LogStorage logStorage();

  /**
   * Makes a Ready's entries, hard state and snapshot metadata durable, atomically, before its
   * messages are sent (one sync per Ready: everything proposed since the last one is committed
   * together). The image of a snapshot in the Ready was stored before by {@link #installSnapshot}.
   */
  void persist(Ready ready);

  /** Writes an image: the runtime streams the group's state into {@code out}. */
  @FunctionalInterface
  interface ImageWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes, durably, the image of a snapshot this node took at {@code metadata} (called on the
   * apply executor, while the raft loop goes on). It becomes the group's snapshot only with {@link
   * #snapshotAndCompact}.
   */
  void writeSnapshot(SnapshotMetadata metadata, ImageWriter image);

  /**
   * Records the snapshot written by {@link #writeSnapshot} at {@code metadata} (already applied) as
   * the group's latest and drops log entries before it, keeping {@code keepEntries} behind for
   * followers that lag a little. Does nothing but discard the image when the group already has a
   * snapshot at or after that index.
   */
  void snapshotAndCompact(SnapshotMetadata metadata, long keepEntries);

  /**
   * Where the transport writes an image of this group arriving from the leader, chunk by chunk. The
   * {@link SnapshotImage} it completes with is handed to {@link #installSnapshot} if the consensus
   * module accepts the snapshot, or discarded.
   */
  SnapshotWriter receiveSnapshot(SnapshotMetadata metadata) throws IOException;

  /**
   * Stores the image of a snapshot from the leader, durably, before {@link #persist} records its
   * metadata. {@code image} came from {@link #receiveSnapshot} (then it is moved, not copied) or
   * from elsewhere (then it is copied, streamed).
   */
  void installSnapshot(SnapshotMetadata metadata, SnapshotImage image);

  /**
   * The image of the group's snapshot at {@code metadata}, verified before it is returned, to
   * restore the state machine from.
   *
   * @throws IOException if the storage no longer holds that snapshot
   */
  InputStream openSnapshot(SnapshotMetadata metadata) throws IOException;

  /**
   * The image of the group's snapshot at {@code metadata}, to send to a follower; may be verified
   * as it is read rather than before. Called on a transport thread.
   *
   * @throws IOException if the storage no longer holds that snapshot (a newer one replaced it)
   */
  default InputStream streamSnapshot(SnapshotMetadata metadata) throws IOException {
    return openSnapshot(metadata);
  }
}
