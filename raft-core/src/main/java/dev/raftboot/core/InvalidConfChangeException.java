package dev.raftboot.core;

/**
 * A configuration change that the rules of joint consensus forbid: removing the last voter, leaving
 * a configuration that is not joint, entering a joint configuration twice, or making a node both
 * voter and learner.
 */
public class InvalidConfChangeException extends RaftException {
  public InvalidConfChangeException(String message) {
    super(message);
  }
}
