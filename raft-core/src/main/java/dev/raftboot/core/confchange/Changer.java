package dev.raftboot.core.confchange;

import dev.raftboot.core.InvalidConfChangeException;
import dev.raftboot.core.quorum.JointConfig;
import dev.raftboot.core.quorum.MajorityConfig;
import dev.raftboot.core.tracker.Inflights;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.core.tracker.ProgressTracker;
import dev.raftboot.core.tracker.TrackerConfig;
import dev.raftboot.proto.ConfChangeSingle;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns configuration changes into a new configuration and progress map, without touching the
 * tracker it starts from: the caller installs the result. Every result is checked against the
 * invariants of joint consensus (Raft thesis §4.3) before it is returned.
 */
public final class Changer {
  private final ProgressTracker tracker;
  private final long lastIndex;

  public Changer(ProgressTracker tracker, long lastIndex) {
    this.tracker = tracker;
    this.lastIndex = lastIndex;
  }

  /** The result of a change: the configuration and the progress map to install. */
  public record Result(TrackerConfig config, NavigableMap<Long, PeerProgress> progress) {}

  /**
   * Enters the joint configuration (C_old, C_new): the current voters become the outgoing half, the
   * changes apply to the incoming half.
   */
  public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) {
    Working w = new Working(tracker);
    if (!w.outgoing.isEmpty()) {
      throw new InvalidConfChangeException("config is already joint: " + tracker.config());
    }
    if (w.incoming.isEmpty()) {
      throw new InvalidConfChangeException("can't make a zero-voter config joint");
    }
    w.outgoing.addAll(w.incoming);
    apply(w, changes);
    w.autoLeave = autoLeave;
    return w.checkAndBuild();
  }

  /**
   * Leaves a joint configuration for its incoming half. Outgoing voters that were demoted become
   * learners now; outgoing voters not kept in any role are dropped.
   */
  public Result leaveJoint() {
    Working w = new Working(tracker);
    if (w.outgoing.isEmpty()) {
      throw new InvalidConfChangeException("can't leave a non-joint config: " + tracker.config());
    }
    for (long id : w.learnersNext) {
      w.learners.add(id);
      w.progress.get(id).learner(true);
    }
    w.learnersNext.clear();
    for (long id : w.outgoing) {
      if (!w.incoming.contains(id) && !w.learners.contains(id)) {
        w.progress.remove(id);
      }
    }
    w.outgoing.clear();
    w.autoLeave = false;
    return w.checkAndBuild();
  }

  /**
   * Applies changes that alter at most one voter directly, without a joint configuration: safe
   * because any majority of the old and any majority of the new configuration then overlap.
   */
  public Result simple(List<ConfChangeSingle> changes) {
    Working w = new Working(tracker);
    if (!w.outgoing.isEmpty()) {
      throw new InvalidConfChangeException(
          "can't apply a simple config change in a joint config: " + tracker.config());
    }
    apply(w, changes);
    Set<Long> before = tracker.config().voters().incoming().ids();
    int changed = 0;
    for (long id : w.incoming) {
      if (!before.contains(id)) {
        changed++;
      }
    }
    for (long id : before) {
      if (!w.incoming.contains(id)) {
        changed++;
      }
    }
    if (changed > 1) {
      throw new InvalidConfChangeException(
          "more than one voter changed without entering a joint config");
    }
    return w.checkAndBuild();
  }

  private void apply(Working w, List<ConfChangeSingle> changes) {
    for (ConfChangeSingle cc : changes) {
      long id = cc.getNodeId();
      if (id == 0) {
        // A change whose node id was zeroed out was decided against by the application.
        continue;
      }
      switch (cc.getType()) {
        case ADD_NODE -> makeVoter(w, id);
        case ADD_LEARNER_NODE -> makeLearner(w, id);
        case REMOVE_NODE -> remove(w, id);
        default ->
            throw new InvalidConfChangeException("unknown conf change type " + cc.getTypeValue());
      }
    }
    if (w.incoming.isEmpty()) {
      throw new InvalidConfChangeException("removed all voters");
    }
  }

  private void makeVoter(Working w, long id) {
    PeerProgress pr = w.progress.get(id);
    if (pr == null) {
      initProgress(w, id, false);
      return;
    }
    pr.learner(false);
    w.learners.remove(id);
    w.learnersNext.remove(id);
    w.incoming.add(id);
  }

  /**
   * A voter of the outgoing half cannot become a learner while it still votes there: it is recorded
   * in learnersNext and turns learner when the joint configuration is left.
   */
  private void makeLearner(Working w, long id) {
    PeerProgress pr = w.progress.get(id);
    if (pr == null) {
      initProgress(w, id, true);
      return;
    }
    if (pr.isLearner()) {
      return;
    }
    remove(w, id);
    w.progress.put(id, pr);
    if (w.outgoing.contains(id)) {
      w.learnersNext.add(id);
    } else {
      pr.learner(true);
      w.learners.add(id);
    }
  }

  private void remove(Working w, long id) {
    if (!w.progress.containsKey(id)) {
      return;
    }
    w.incoming.remove(id);
    w.learners.remove(id);
    w.learnersNext.remove(id);
    if (!w.outgoing.contains(id)) {
      w.progress.remove(id);
    }
  }

  private void initProgress(Working w, long id, boolean learner) {
    if (learner) {
      w.learners.add(id);
    } else {
      w.incoming.add(id);
    }
    Inflights inflights = tracker.newInflights();
    // Probe from the leader's last index; a new node counts as recently active so that a
    // check-quorum round right after the change does not depose the leader.
    PeerProgress pr = new PeerProgress(0, Math.max(lastIndex, 1), inflights, learner);
    pr.recentActive(true);
    w.progress.put(id, pr);
  }

  /** A mutable copy of the tracker's configuration and progress. */
  private static final class Working {
    final TreeSet<Long> incoming;
    final TreeSet<Long> outgoing;
    final TreeSet<Long> learners;
    final TreeSet<Long> learnersNext;
    boolean autoLeave;
    final TreeMap<Long, PeerProgress> progress = new TreeMap<>();

    Working(ProgressTracker tracker) {
      TrackerConfig cfg = tracker.config();
      incoming = new TreeSet<>(cfg.voters().incoming().ids());
      outgoing = new TreeSet<>(cfg.voters().outgoing().ids());
      learners = new TreeSet<>(cfg.learners());
      learnersNext = new TreeSet<>(cfg.learnersNext());
      autoLeave = cfg.autoLeave();
      for (Map.Entry<Long, PeerProgress> e : tracker.progress().entrySet()) {
        progress.put(e.getKey(), e.getValue().copy());
      }
      check();
    }

    Result checkAndBuild() {
      check();
      TrackerConfig cfg =
          new TrackerConfig(
              new JointConfig(new MajorityConfig(incoming), new MajorityConfig(outgoing)),
              learners,
              learnersNext,
              autoLeave);
      return new Result(cfg, progress);
    }

    private void check() {
      for (Set<Long> ids : List.of(incoming, outgoing, learners, learnersNext)) {
        for (long id : ids) {
          if (!progress.containsKey(id)) {
            throw new InvalidConfChangeException("no progress for " + id);
          }
        }
      }
      for (long id : learnersNext) {
        if (!outgoing.contains(id)) {
          throw new InvalidConfChangeException(id + " is in learners_next but not outgoing");
        }
        if (progress.get(id).isLearner()) {
          throw new InvalidConfChangeException(
              id + " is in learners_next but already marked as learner");
        }
      }
      for (long id : learners) {
        if (outgoing.contains(id) || incoming.contains(id)) {
          throw new InvalidConfChangeException(id + " is a learner and a voter at once");
        }
        if (!progress.get(id).isLearner()) {
          throw new InvalidConfChangeException(id + " is in learners but not marked as learner");
        }
      }
      if (outgoing.isEmpty() && autoLeave) {
        throw new InvalidConfChangeException("auto_leave is set in a config that is not joint");
      }
      if (outgoing.isEmpty() && !learnersNext.isEmpty()) {
        throw new InvalidConfChangeException("learners_next is set in a config that is not joint");
      }
    }
  }
}
