package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * The request is as old as requests of its session whose outcomes are no longer remembered (only
 * the latest {@link SessionPolicy#resultsPerClient()} are), so whether an earlier attempt applied
 * cannot be told. The command was not applied by this request; an earlier attempt may have been.
 */
public class StaleRequestException extends RaftException {
  private final long clientId;
  private final long sequence;
  private final long lastApplied;

  public StaleRequestException(String group, long clientId, long sequence, long lastApplied) {
    super(
        "group "
            + group
            + ": request "
            + sequence
            + " of session "
            + clientId
            + " is too old: the outcomes of requests up to it are no longer remembered (the"
            + " session's last applied request is "
            + lastApplied
            + ")");
    this.clientId = clientId;
    this.sequence = sequence;
    this.lastApplied = lastApplied;
  }

  public long clientId() {
    return clientId;
  }

  public long sequence() {
    return sequence;
  }

  /** The highest sequence number the session has applied. */
  public long lastApplied() {
    return lastApplied;
  }
}
