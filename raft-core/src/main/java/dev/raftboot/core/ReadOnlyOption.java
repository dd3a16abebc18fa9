package dev.raftboot.core;

/** How a leader confirms that it still leads before it answers a read index request. */
public enum ReadOnlyOption {
  /** A heartbeat round acknowledged by a quorum (thesis §6.4). Safe under any clock. */
  SAFE,
  /**
   * The leader's lease: it answers at once, trusting that no other leader can exist within an
   * election timeout of its last quorum contact. Requires check-quorum and bounded clock drift.
   */
  LEASE_BASED
}
