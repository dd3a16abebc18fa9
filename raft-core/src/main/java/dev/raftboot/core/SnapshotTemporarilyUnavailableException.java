package dev.raftboot.core;

/**
 * Storage cannot hand out a snapshot right now (one is being built). The leader retries on a later
 * heartbeat round instead of failing the follower.
 */
public class SnapshotTemporarilyUnavailableException extends RaftException {
  public SnapshotTemporarilyUnavailableException() {
    super("snapshot is temporarily unavailable");
  }

  /** With what is missing, for the log when it turns out not to be temporary. */
  public SnapshotTemporarilyUnavailableException(String detail) {
    super("snapshot is unavailable: " + detail);
  }
}
