package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * A learner was not promoted because it had not caught up in time: it did not hold every entry that
 * was committed when the promotion was asked for. Promoting it anyway would make it a voter that
 * cannot help commit (and, in a small cluster, could cost availability) until it catches up.
 * Nothing was proposed; retry once the learner has caught up.
 */
public class LearnerNotCaughtUpException extends RaftException {
  private final String group;
  private final long nodeId;
  private final long matchIndex;
  private final long requiredIndex;

  public LearnerNotCaughtUpException(
      String group, long nodeId, long matchIndex, long requiredIndex, long waitedMs) {
    super(
        "group "
            + group
            + ": learner "
            + nodeId
            + " has entries up to "
            + matchIndex
            + ", needs "
            + requiredIndex
            + " to be promoted; waited "
            + waitedMs
            + " ms");
    this.group = group;
    this.nodeId = nodeId;
    this.matchIndex = matchIndex;
    this.requiredIndex = requiredIndex;
  }

  public String group() {
    return group;
  }

  public long nodeId() {
    return nodeId;
  }

  /** The last index the leader knew the learner to hold. */
  public long matchIndex() {
    return matchIndex;
  }

  /** The commit index when the promotion was asked for. */
  public long requiredIndex() {
    return requiredIndex;
  }
}
