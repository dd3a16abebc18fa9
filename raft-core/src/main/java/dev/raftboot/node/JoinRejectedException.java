package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * A node could not be added to a group: the join check failed before anything was proposed, so the
 * group's configuration is unchanged and both the group and the refused node keep serving.
 */
public class JoinRejectedException extends RaftException {

  /** Why the join was refused. */
  public enum Reason {
    /** The node at the address belongs to another cluster (its cluster id differs). */
    CLUSTER_ID_MISMATCH,
    /** The node at the address has another node id than the one being added. */
    NODE_ID_MISMATCH,
    /**
     * The id was removed from this group before: ids are never reused, since a removed node with
     * that id may still be running with its old log.
     */
    REMOVED_NODE_ID,
    /** The node does not host the group (start it in join mode first). */
    UNKNOWN_GROUP,
    /** No answer from the address within the join check's deadline. */
    UNREACHABLE
  }

  private final String group;
  private final long nodeId;
  private final Reason reason;

  public JoinRejectedException(String group, long nodeId, Reason reason, String detail) {
    super("group " + group + ": node " + nodeId + " cannot join: " + reason + " (" + detail + ")");
    this.group = group;
    this.nodeId = nodeId;
    this.reason = reason;
  }

  public String group() {
    return group;
  }

  public long nodeId() {
    return nodeId;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The reason named by a join response ({@code UNREACHABLE} for a name this node does not know).
   */
  static Reason parse(String name) {
    try {
      return Reason.valueOf(name);
    } catch (IllegalArgumentException e) {
      return Reason.UNREACHABLE;
    }
  }
}
