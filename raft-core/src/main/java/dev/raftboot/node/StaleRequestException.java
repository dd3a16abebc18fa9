package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * The request's sequence number is below the latest one the session applied, and its outcome is no
 * longer remembered (only the latest {@link SessionPolicy#resultsPerClient()} are). The command was
 * not applied by this request; an earlier attempt may have been.
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
            + " is older than the last applied request "
            + lastApplied
            + " and its outcome is no longer remembered");
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
