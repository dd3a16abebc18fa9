package dev.raftboot.core;

/** Base of every error the consensus core reports. Unchecked: callers decide where to catch. */
public class RaftException extends RuntimeException {
  public RaftException(String message) {
    super(message);
  }

  public RaftException(String message, Throwable cause) {
    super(message, cause);
  }
}
