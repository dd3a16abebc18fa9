package dev.raftboot.core.tracker;

import dev.raftboot.core.ProgressState;

/**
 * The leader's view of one peer's log (thesis §3.5 and etcd's progress states): the highest index
 * known to match ({@code match}) and the next index to send ({@code next}).
 *
 * <ul>
 *   <li>PROBE: the leader does not know where the logs diverge; it sends one append at a time and
 *       waits for the answer (or a heartbeat response) before the next.
 *   <li>REPLICATE: the logs match up to {@code match}; appends stream optimistically, bounded by
 *       the {@link Inflights} window.
 *   <li>SNAPSHOT: the peer needs a snapshot; nothing else is sent until it is reported done.
 * </ul>
 */
public final class PeerProgress {
  private long match;
  private long next;
  private ProgressState state = ProgressState.PROBE;

  /** While in SNAPSHOT: the index of the snapshot being sent. */
  private long pendingSnapshot;

  /** The newest lease stamp of a heartbeat this peer answered (see the core's Lease). */
  private long leaseStamp;

  /** Heard from since the last check-quorum round. */
  private boolean recentActive;

  /** In PROBE: an append is outstanding, so wait before sending another. */
  private boolean probeSent;

  private final Inflights inflights;
  private boolean learner;

  public PeerProgress(long match, long next, Inflights inflights, boolean learner) {
    this.match = match;
    this.next = next;
    this.inflights = inflights;
    this.learner = learner;
  }

  public long match() {
    return match;
  }

  public long next() {
    return next;
  }

  public ProgressState state() {
    return state;
  }

  public long leaseStamp() {
    return leaseStamp;
  }

  public void leaseStamp(long stamp) {
    this.leaseStamp = stamp;
  }

  public long pendingSnapshot() {
    return pendingSnapshot;
  }

  public boolean recentActive() {
    return recentActive;
  }

  public void recentActive(boolean active) {
    this.recentActive = active;
  }

  public boolean probeSent() {
    return probeSent;
  }

  public void probeSent(boolean sent) {
    this.probeSent = sent;
  }

  public Inflights inflights() {
    return inflights;
  }

  public boolean isLearner() {
    return learner;
  }

  public void learner(boolean learner) {
    this.learner = learner;
  }

  /** A copy for a configuration change in progress; the inflight window is shared. */
  public PeerProgress copy() {
    PeerProgress c = new PeerProgress(match, next, inflights, learner);
    c.state = state;
    c.pendingSnapshot = pendingSnapshot;
    c.recentActive = recentActive;
    c.probeSent = probeSent;
    c.leaseStamp = leaseStamp;
    return c;
  }

  private void resetState(ProgressState newState) {
    probeSent = false;
    pendingSnapshot = 0;
    state = newState;
    inflights.reset();
  }

  /** Back to probing from just after the last known match (or the snapshot, if one was sent). */
  public void becomeProbe() {
    if (state == ProgressState.SNAPSHOT) {
      long pending = pendingSnapshot;
      resetState(ProgressState.PROBE);
      next = Math.max(match + 1, pending + 1);
    } else {
      resetState(ProgressState.PROBE);
      next = match + 1;
    }
  }

  public void becomeReplicate() {
    resetState(ProgressState.REPLICATE);
    next = match + 1;
  }

  public void becomeSnapshot(long snapshotIndex) {
    resetState(ProgressState.SNAPSHOT);
    pendingSnapshot = snapshotIndex;
  }

  /**
   * Records an acknowledgement of index n. Returns false if it is stale (not newer than what is
   * known). Any answer resumes a paused probe.
   */
  public boolean maybeUpdate(long n) {
    boolean updated = false;
    if (match < n) {
      match = n;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, n + 1);
    return updated;
  }

  /** Optimistically assumes entries up to n will arrive (REPLICATE pipelining). */
  public void optimisticUpdate(long n) {
    next = n + 1;
  }

  /**
   * Adjusts after the peer rejected an append at {@code rejected}, hinting that its log matches at
   * most up to {@code matchHint}. Returns false when the rejection is stale.
   */
  public boolean maybeDecrTo(long rejected, long matchHint) {
    if (state == ProgressState.REPLICATE) {
      // In REPLICATE only a rejection of something above match is news; it means the
      // follower lost entries (e.g. restarted from an older state) and we must probe again.
      if (rejected <= match) {
        return false;
      }
      next = match + 1;
      return true;
    }
    // In PROBE or SNAPSHOT only a rejection of the last probe (next - 1) is meaningful.
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
    probeSent = false;
    return true;
  }

  /** Whether sending to this peer must wait (an outstanding probe, a full window, a snapshot). */
  public boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(state).append(" match=").append(match).append(" next=").append(next);
    if (learner) {
      sb.append(" learner");
    }
    if (probeSent) {
      sb.append(" paused");
    }
    if (pendingSnapshot > 0) {
      sb.append(" pendingSnap=").append(pendingSnapshot);
    }
    if (!recentActive) {
      sb.append(" inactive");
    }
    if (inflights.count() > 0) {
      sb.append(" inflight=").append(inflights.count());
      if (inflights.full()) {
        sb.append("[full]");
      }
    }
    return sb.toString();
  }
}
