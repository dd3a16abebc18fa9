package dev.raftboot.core;

/** The role a node plays in its current term. */
public enum StateRole {
  FOLLOWER,
  /** Polling peers with pre-votes before it dares to raise its term (thesis §9.6). */
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
