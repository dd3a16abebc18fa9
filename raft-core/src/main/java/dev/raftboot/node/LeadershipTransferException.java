package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * A leadership transfer did not happen: the target did not take over within an election timeout (it
 * was behind, or unreachable), another node leads instead, or no outcome was seen within the
 * group's proposal timeout. The group goes on under whichever leader it has; asking again is safe.
 */
public class LeadershipTransferException extends RaftException {
  public LeadershipTransferException(String group, long transferee, String reason) {
    super(
        "group "
            + group
            + ": leadership was not transferred to node "
            + transferee
            + ": "
            + reason);
  }
}
