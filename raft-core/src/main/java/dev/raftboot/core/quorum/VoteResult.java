package dev.raftboot.core.quorum;

/** The outcome of an election as far as the votes received so far decide it. */
public enum VoteResult {
  /** Neither won nor lost: more votes are needed to decide. */
  PENDING,
  LOST,
  WON
}
