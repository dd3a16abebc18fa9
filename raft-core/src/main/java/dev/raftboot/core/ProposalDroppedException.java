package dev.raftboot.core;

/**
 * A proposal (or read request, or transfer request) that this node could not accept: there is no
 * known leader and forwarding is off, a leadership transfer is in progress, the uncommitted log is
 * over its size limit, or this node is not in the configuration. Nothing was appended; the caller
 * may retry, usually on the leader.
 */
public class ProposalDroppedException extends RaftException {
  private final long leaderId;

  public ProposalDroppedException(String reason, long leaderId) {
    super("proposal dropped: " + reason + (leaderId != 0 ? " (leader is " + leaderId + ")" : ""));
    this.leaderId = leaderId;
  }

  /** The leader this node knows of, or 0 when it knows none. */
  public long leaderId() {
    return leaderId;
  }
}
