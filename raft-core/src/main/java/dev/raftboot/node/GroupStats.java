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
  volatile LongConsumer proposalLatencyNanos = n -> {};

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

  /** Receives the time from propose to apply on this node of every successful proposal. */
  public void onProposalLatency(LongConsumer nanos) {
    this.proposalLatencyNanos = nanos;
  }
}
