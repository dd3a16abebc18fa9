package dev.raftboot.core;

/** How the leader currently replicates to one follower. */
public enum ProgressState {
  /** Searching for the follower's match index: one append in flight at a time. */
  PROBE,
  /** Streaming appends optimistically, bounded by the inflight window. */
  REPLICATE,
  /** A snapshot is on its way; appends wait until it is reported done. */
  SNAPSHOT
}
