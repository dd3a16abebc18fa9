package dev.raftboot.node;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Counters a {@link RaftGroup} keeps about itself, cheap enough to update on every operation;
 * {@link RaftGroupMetrics} publishes them through Micrometer.
 */
public final class GroupStats {
  final LongAdder proposals = new LongAdder();
  final LongAdder proposalsFailed = new LongAdder();
  final LongAdder leadershipsGranted = new LongAdder();
  final LongAdder snapshotsTaken = new LongAdder();
  final LongAdder leaderChangesSeen = new LongAdder();
  final LongAdder messagesRejected = new LongAdder();
  volatile LongConsumer proposalLatencyNanos = n -> {};
  volatile LongConsumer commitLatencyNanos;
  volatile LongConsumer applyLatencyNanos;
  volatile LongConsumer snapshotDurationNanos = n -> {};

  /** The first index still in the log, updated by the group's loop. */
  volatile long logFirstIndex = 1;

  /** The index of the latest snapshot this node took or installed (0 for none). */
  volatile long lastSnapshotIndex;

  public long proposals() {
    return proposals.sum();
  }

  public long proposalsFailed() {
    return proposalsFailed.sum();
  }

  public long leadershipsGranted() {
    return leadershipsGranted.sum();
  }

  public long snapshotsTaken() {
    return snapshotsTaken.sum();
  }

  /** Leader changes this node has seen (a new leader, or none, in its view of the group). */
  public long leaderChangesSeen() {
    return leaderChangesSeen.sum();
  }

  /**
   * Messages from peers that the group refused after the transport accepted them: types only a node
   * itself may create, unknown types, appends whose entries do not follow their index, snapshots
   * that came without their image.
   */
  public long messagesRejected() {
    return messagesRejected.sum();
  }

  /** The index of the latest snapshot this node took or installed; 0 if none. */
  public long lastSnapshotIndex() {
    return lastSnapshotIndex;
  }

  /** The first index still held in the log (after compaction). */
  public long logFirstIndex() {
    return logFirstIndex;
  }

  /**
   * Receives, for entries appended on this node, the time from their append to their commit being
   * known here (measured per appended batch). Null to stop measuring.
   */
  public void onCommitLatency(LongConsumer nanos) {
    this.commitLatencyNanos = nanos;
  }

  /** Receives, per batch of committed entries, the time from commit to applied. Null to stop. */
  public void onApplyLatency(LongConsumer nanos) {
    this.applyLatencyNanos = nanos;
  }

  /** Receives the time to record each snapshot (write its image, compact the log). */
  public void onSnapshotDuration(LongConsumer nanos) {
    this.snapshotDurationNanos = nanos;
  }

  /** Receives the time from propose to apply on this node of every successful proposal. */
  public void onProposalLatency(LongConsumer nanos) {
    this.proposalLatencyNanos = nanos;
  }
}
