package dev.raftboot.testkit;

import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeTransition;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random but sensible membership changes among the nodes of a simulation: promote a learner, demote
 * a voter, swap one for the other through joint consensus, and leave a joint configuration that
 * must be left explicitly. Never fewer voters than the minimum.
 */
final class MembershipChanges {
  private MembershipChanges() {}

  /** The next change for configuration {@code cs}, or null if none fits. */
  static ConfChangeV2 next(ConfState cs, int minVoters, SplittableRandom random) {
    if (cs.getVotersOutgoingCount() > 0) {
      // Joint: only leaving is allowed, and only needed when it is not automatic.
      return cs.getAutoLeave() ? null : ConfChangeV2.getDefaultInstance();
    }
    List<ConfChangeSingle> options = new ArrayList<>();
    List<Long> voters = cs.getVotersList();
    List<Long> learners = cs.getLearnersList();
    boolean canDemote = voters.size() > minVoters;
    int choice = random.nextInt(3);
    if (choice == 0 && !learners.isEmpty()) {
      options.add(single(ConfChangeType.ADD_NODE, pick(learners, random)));
    } else if (choice == 1 && canDemote) {
      options.add(single(ConfChangeType.ADD_LEARNER_NODE, pick(voters, random)));
    } else if (!learners.isEmpty()) {
      // Swap a learner in and a voter out in one joint change.
      options.add(single(ConfChangeType.ADD_NODE, pick(learners, random)));
      options.add(single(ConfChangeType.ADD_LEARNER_NODE, pick(voters, random)));
    }
    if (options.isEmpty()) {
      return null;
    }
    ConfChangeTransition transition =
        ConfChangeTransition.forNumber(random.nextInt(3)); // AUTO, JOINT_IMPLICIT, JOINT_EXPLICIT
    return ConfChangeV2.newBuilder().setTransition(transition).addAllChanges(options).build();
  }

  static String describe(ConfChangeV2 cc) {
    if (cc.getChangesCount() == 0) {
      return "leave joint";
    }
    StringBuilder sb = new StringBuilder(cc.getTransition().toString());
    for (ConfChangeSingle c : cc.getChangesList()) {
      sb.append(' ').append(c.getType()).append('(').append(c.getNodeId()).append(')');
    }
    return sb.toString();
  }

  private static long pick(List<Long> ids, SplittableRandom random) {
    return ids.get(random.nextInt(ids.size()));
  }

  private static ConfChangeSingle single(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }
}
