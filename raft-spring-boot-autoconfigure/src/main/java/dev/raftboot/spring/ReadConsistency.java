package dev.raftboot.spring;

/** How fresh a {@link RaftTemplate#read} must be. */
public enum ReadConsistency {
  /**
   * Sees every write completed before the read started, on any node (ReadIndex: the leader confirms
   * it still leads, then this node waits until it has applied that far).
   */
  LINEARIZABLE,
  /**
   * Like {@link #LINEARIZABLE}, but the leader answers from its lease instead of a heartbeat round:
   * cheaper, and still linearizable unless clocks drift more than the election timeout allows.
   * Needs {@code raft.check-quorum=true}; otherwise the read is confirmed the safe way.
   */
  LEASE,
  /** This node's state as it is, with no round trip: may miss recent writes, even its own. */
  STALE
}
