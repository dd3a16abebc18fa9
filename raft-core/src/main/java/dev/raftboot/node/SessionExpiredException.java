package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * The request names a session the group does not know: it was never opened, or it expired or was
 * evicted (see {@link SessionPolicy}). The command was <b>not</b> applied by this request. Whether
 * an earlier attempt of it was applied is unknown: open a new session and decide at the application
 * level.
 */
public class SessionExpiredException extends RaftException {
  private final long clientId;

  public SessionExpiredException(String group, long clientId, long sequence) {
    super(
        "group "
            + group
            + ": session "
            + clientId
            + " is unknown (never opened, expired or evicted); request "
            + sequence
            + " was not applied");
    this.clientId = clientId;
  }

  public long clientId() {
    return clientId;
  }
}
