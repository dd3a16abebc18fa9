package dev.raftboot.node;

/**
 * The group stopped on its own because writing its log failed (a disk error, a full disk): its
 * state on disk may lag what it already sent, so it takes no further part, as if its node had
 * crashed. The cause is the storage error. The rest of the cluster goes on without this member; a
 * restart of the server, once the disk is fixed, brings it back from what it had written.
 */
public class GroupFailedException extends GroupClosedException {
  public GroupFailedException(String group, Throwable cause) {
    super("group " + group + " stopped after its log write failed: " + cause, cause);
  }
}
