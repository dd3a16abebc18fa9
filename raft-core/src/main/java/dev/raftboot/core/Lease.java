package dev.raftboot.core;

import dev.raftboot.core.tracker.PeerProgress;

/**
 * The leader lease of thesis §6.4.1, in ticks, and the voters' side of it.
 *
 * <p>A voter that hears from its leader refuses other candidates for an election timeout (with
 * check-quorum: {@link #refusesVotes}). So when a quorum has answered a heartbeat the leader sent
 * at tick {@code T}, no other leader can be elected before each of those voters has ticked an
 * election timeout after receiving it, which is after {@code T}. The lease runs from the newest
 * heartbeat a quorum answered, never from when an answer arrived: an answer may be late, and the
 * voter's timer started when it got the heartbeat. Ticks are kept in hand ({@link
 * RaftConfig#leaseMarginTicks()}, 2 by default): one because a tick count tells time only to within
 * a tick on each side, the others for tick rates that differ between nodes (by up to a tick per
 * election timeout each).
 *
 * <p>A voter that restarts has forgotten whom it heard from, so after a restart (a persisted term
 * above 0) it refuses votes for its first election timeout as if it had just heard from a leader.
 */
final class Lease {
  private final Raft r;
  private final boolean restarted;

  /** This node's ticks since it started, from 1 so that a stamped heartbeat is never 0. */
  private long ticks = 1;

  Lease(Raft r, boolean restarted) {
    this.r = r;
    this.restarted = restarted;
  }

  void tick() {
    ticks++;
  }

  /** The stamp a heartbeat carries, echoed by its answer. */
  long stamp() {
    return ticks;
  }

  /** An answer to a heartbeat: the voter heard from this leader no earlier than its stamp. */
  void onHeartbeatAnswer(PeerProgress pr, long stamp) {
    pr.leaseStamp(Math.max(pr.leaseStamp(), stamp));
  }

  /** Whether this leader may answer a read from its lease: no other leader can exist yet. */
  boolean holds() {
    if (!r.config.checkQuorum() || r.leaseVoid || r.leadTransferee != 0) {
      // Without check-quorum voters do not refuse candidates; a transfer's campaign overrides
      // the refusal.
      return false;
    }
    long heard =
        r.prs
            .config()
            .voters()
            .committedIndex(
                voter -> {
                  if (voter == r.id) {
                    return ticks;
                  }
                  PeerProgress pr = r.prs.get(voter);
                  return pr == null ? 0 : pr.leaseStamp();
                });
    return heard > 0 && ticks - heard < r.electionTimeout - r.config.leaseMarginTicks();
  }

  /** Whether a vote request that does not override leases (not a transfer's) is disregarded. */
  boolean refusesVotes() {
    if (!r.config.checkQuorum()) {
      return false;
    }
    boolean heardFromLeader = r.lead != 0 && r.electionElapsed < r.electionTimeout;
    boolean justRestarted = restarted && ticks <= r.electionTimeout;
    return heardFromLeader || justRestarted;
  }
}
