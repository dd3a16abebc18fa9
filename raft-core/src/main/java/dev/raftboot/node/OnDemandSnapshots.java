package dev.raftboot.node;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.SnapshotTemporarilyUnavailableException;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Snapshot;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The group's storage as its Raft node reads it, with one change: a leader that needs a snapshot
 * for a follower gets one that is of use to it. The stored snapshot is not when there is none yet
 * (a log that was never compacted holds none) or when the configuration changed since it was taken
 * — a node added after it is not in its configuration and must refuse it. Then a fresh snapshot is
 * asked of the state machine and the leader hears "temporarily unavailable" and asks again on a
 * later probe, as raft-rs and TiKV do.
 *
 * <p>Called only on the group's loop, like every read of the Raft node.
 */
final class OnDemandSnapshots extends ForwardingLogStorage {
  private final LogStorage stored;
  private final Supplier<ConfState> currentConf;
  private final Runnable takeSnapshot;
  private boolean requested;

  OnDemandSnapshots(LogStorage stored, Supplier<ConfState> currentConf, Runnable takeSnapshot) {
    super(stored);
    this.stored = stored;
    this.currentConf = currentConf;
    this.takeSnapshot = takeSnapshot;
  }

  /** A snapshot was recorded: the next request looks at it again. */
  void snapshotRecorded() {
    requested = false;
  }

  @Override
  public Snapshot snapshot(long requestIndex) {
    Snapshot snap = stored.snapshot(requestIndex);
    boolean useful =
        snap.getMetadata().getIndex() > 0
            && sameConfiguration(snap.getMetadata().getConfState(), currentConf.get());
    if (useful) {
      return snap;
    }
    if (!requested) {
      requested = true;
      takeSnapshot.run();
    }
    throw new SnapshotTemporarilyUnavailableException();
  }

  /** Equal as sets: the order ids are listed in does not matter. */
  static boolean sameConfiguration(ConfState a, ConfState b) {
    return Set.copyOf(a.getVotersList()).equals(Set.copyOf(b.getVotersList()))
        && Set.copyOf(a.getLearnersList()).equals(Set.copyOf(b.getLearnersList()))
        && Set.copyOf(a.getVotersOutgoingList()).equals(Set.copyOf(b.getVotersOutgoingList()))
        && Set.copyOf(a.getLearnersNextList()).equals(Set.copyOf(b.getLearnersNextList()))
        && a.getAutoLeave() == b.getAutoLeave();
  }
}
