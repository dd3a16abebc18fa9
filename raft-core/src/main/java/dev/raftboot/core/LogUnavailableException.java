package dev.raftboot.core;

/** The requested index lies beyond the last entry of the log. */
public class LogUnavailableException extends RaftException {
  private final long requestedIndex;
  private final long lastIndex;

  public LogUnavailableException(long requestedIndex, long lastIndex) {
    super("log index " + requestedIndex + " is beyond the last index " + lastIndex);
    this.requestedIndex = requestedIndex;
    this.lastIndex = lastIndex;
  }

  public long requestedIndex() {
    return requestedIndex;
  }

  public long lastIndex() {
    return lastIndex;
  }
}
