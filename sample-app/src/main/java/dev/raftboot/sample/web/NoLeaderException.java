package dev.raftboot.sample.web;

/**
 * The request needs a leader and none can take it now; answered 503 with Retry-After. Nothing was
 * written.
 */
public class NoLeaderException extends RuntimeException {
  public NoLeaderException(String message) {
    super(message);
  }
}
