package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * The request was already applied — exactly once — but its result was not kept: the session table
 * came from a snapshot (after a restart, or on a follower that caught up from one) and the result
 * was of a type snapshots do not carry, or was a failure (see {@link RaftGroup#propose(byte[],
 * ClientRequest)}). The command was not applied again.
 */
public class ResultUnavailableException extends RaftException {
  private final long clientId;
  private final long sequence;

  public ResultUnavailableException(String group, long clientId, long sequence) {
    super(
        "group "
            + group
            + ": request "
            + sequence
            + " of session "
            + clientId
            + " was applied before, but its result was not kept");
    this.clientId = clientId;
    this.sequence = sequence;
  }

  public long clientId() {
    return clientId;
  }

  public long sequence() {
    return sequence;
  }
}
