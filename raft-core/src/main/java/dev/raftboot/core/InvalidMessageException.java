package dev.raftboot.core;

/** A message that must not be stepped into a node from outside, such as a local-only type. */
public class InvalidMessageException extends RaftException {
  public InvalidMessageException(String message) {
    super(message);
  }
}
