package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/** The operation needs the leader and this node is not it. Carries the leader, if known. */
public class NotLeaderException extends RaftException {
  private final String group;
  private final long leaderId;

  public NotLeaderException(String group, long leaderId, String reason) {
    super(
        "group "
            + group
            + ": "
            + reason
            + (leaderId != 0 ? "; the leader is node " + leaderId : "; no leader is known"));
    this.group = group;
    this.leaderId = leaderId;
  }

  public String group() {
    return group;
  }

  /** The known leader's id, or 0 when no leader is known. */
  public long leaderId() {
    return leaderId;
  }
}
