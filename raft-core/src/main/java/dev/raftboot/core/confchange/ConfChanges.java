package dev.raftboot.core.confchange;

import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeTransition;
import dev.raftboot.proto.ConfChangeV2;

/** How to read a {@link ConfChangeV2}: does it enter, leave, or stay out of joint consensus? */
public final class ConfChanges {
  private ConfChanges() {}

  /** A v1 change expressed as the equivalent v2 change. */
  public static ConfChangeV2 toV2(ConfChange cc) {
    return ConfChangeV2.newBuilder()
        .addChanges(ConfChangeSingle.newBuilder().setType(cc.getType()).setNodeId(cc.getNodeId()))
        .setContext(cc.getContext())
        .build();
  }

  /**
   * Whether the change must go through a joint configuration: it changes more than one node, or its
   * transition asks for joint explicitly.
   */
  public static boolean entersJoint(ConfChangeV2 cc) {
    return cc.getTransition() != ConfChangeTransition.AUTO || cc.getChangesCount() > 1;
  }

  /** Whether a joint configuration entered with this change is left automatically. */
  public static boolean autoLeave(ConfChangeV2 cc) {
    return cc.getTransition() == ConfChangeTransition.AUTO
        || cc.getTransition() == ConfChangeTransition.JOINT_IMPLICIT;
  }

  /** An empty change (context aside) is the request to leave a joint configuration. */
  public static boolean leavesJoint(ConfChangeV2 cc) {
    return cc.getTransition() == ConfChangeTransition.AUTO && cc.getChangesCount() == 0;
  }

  /** The empty change that leaves a joint configuration. */
  public static ConfChangeV2 leaveJoint() {
    return ConfChangeV2.getDefaultInstance();
  }
}
