package dev.raftboot.core.confchange;

import dev.raftboot.core.tracker.ProgressTracker;
import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfState;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the configuration described by a {@link ConfState} (from storage or a snapshot) by
 * replaying it as a series of changes on an empty tracker, so that it passes the same checks as any
 * change made at run time.
 */
public final class Restore {
  private Restore() {}

  /** Installs the configuration of {@code cs} into {@code tracker}, which must be empty. */
  public static void restore(ProgressTracker tracker, long lastIndex, ConfState cs) {
    List<ConfChangeSingle> outgoing = new ArrayList<>();
    List<ConfChangeSingle> incoming = new ArrayList<>();
    // The outgoing voters are added first, as if they were the config before the joint change;
    // then the joint change removes them all and adds the incoming config.
    for (long id : cs.getVotersOutgoingList()) {
      outgoing.add(single(ConfChangeType.ADD_NODE, id));
    }
    for (long id : cs.getVotersOutgoingList()) {
      incoming.add(single(ConfChangeType.REMOVE_NODE, id));
    }
    for (long id : cs.getVotersList()) {
      incoming.add(single(ConfChangeType.ADD_NODE, id));
    }
    for (long id : cs.getLearnersList()) {
      incoming.add(single(ConfChangeType.ADD_LEARNER_NODE, id));
    }
    for (long id : cs.getLearnersNextList()) {
      incoming.add(single(ConfChangeType.ADD_LEARNER_NODE, id));
    }
    if (outgoing.isEmpty()) {
      for (ConfChangeSingle cc : incoming) {
        Changer.Result r = new Changer(tracker, lastIndex).simple(List.of(cc));
        tracker.apply(r.config(), r.progress());
      }
    } else {
      for (ConfChangeSingle cc : outgoing) {
        Changer.Result r = new Changer(tracker, lastIndex).simple(List.of(cc));
        tracker.apply(r.config(), r.progress());
      }
      Changer.Result r = new Changer(tracker, lastIndex).enterJoint(cs.getAutoLeave(), incoming);
      tracker.apply(r.config(), r.progress());
    }
  }

  private static ConfChangeSingle single(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }
}
