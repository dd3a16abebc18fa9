package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/** The group was closed before the operation completed. */
public class GroupClosedException extends RaftException {
  public GroupClosedException(String group) {
    super("group " + group + " is closed");
  }

  /** For subclasses that say why the group closed. */
  protected GroupClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
