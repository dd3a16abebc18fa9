package dev.raftboot.core;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.core.confchange.Changer;
import dev.raftboot.core.confchange.ConfChanges;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.core.tracker.ProgressTracker;
import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes as the node applies them (thesis §4): a committed conf change turns the
 * tracker into the next configuration (joint or simple), and the node reacts to it — a removed
 * leader steps down, new peers are probed, a transfer to a node no longer a voter is aborted.
 */
final class Reconfiguration {
  private static final Logger log = LoggerFactory.getLogger(Reconfiguration.class);

  private final Raft r;

  Reconfiguration(Raft r) {
    this.r = r;
  }

  /** Applies a committed conf change to the tracker and switches to the result. */
  ConfState apply(ConfChangeV2 cc) {
    Changer changer = new Changer(r.prs, r.raftLog.lastIndex());
    Changer.Result result;
    if (ConfChanges.leavesJoint(cc)) {
      result = changer.leaveJoint();
    } else if (ConfChanges.entersJoint(cc)) {
      result = changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
    } else {
      result = changer.simple(cc.getChangesList());
    }
    ProgressTracker next =
        new ProgressTracker(r.config.maxInflightMsgs(), r.config.maxInflightBytes());
    next.apply(result.config(), result.progress());
    return switchTo(next);
  }

  /** Installs a new configuration and reacts to it: step down if removed, probe new peers. */
  ConfState switchTo(ProgressTracker next) {
    r.prs = next;
    log.info("raft {} switched to configuration {}", r.id, r.prs.config());
    ConfState cs = r.prs.confState();
    PeerProgress self = r.prs.get(r.id);
    r.isLearner = self != null && self.isLearner();
    if ((self == null || r.isLearner) && r.state == StateRole.LEADER) {
      // This leader was removed or demoted. It keeps leading until the change commits (it may
      // not even be committed yet when applied on a leader that applies early), then steps
      // down if so configured; otherwise it leads without counting itself until it is
      // replaced by a transfer.
      if (r.config.stepDownOnRemoval()) {
        r.becomeFollower(r.term, 0);
      }
      return cs;
    }
    if (r.state != StateRole.LEADER || cs.getVotersCount() == 0) {
      return cs;
    }
    r.leader.recountReadRounds();
    if (r.leader.maybeCommit()) {
      // The new configuration may commit more (the first entry of this term, perhaps, which
      // releases the reads held for it): tell everyone.
      r.leader.releasePendingReadIndexMessages();
      r.replication.bcastAppend();
    } else {
      // Otherwise at least probe the peers that were just added.
      for (long peer : r.prs.progress().keySet()) {
        if (peer != r.id) {
          r.replication.maybeSendAppend(peer, false);
        }
      }
    }
    if (r.leadTransferee != 0 && !r.prs.config().voters().contains(r.leadTransferee)) {
      log.info("raft {} aborts transfer to {}: it is no longer a voter", r.id, r.leadTransferee);
      r.leadTransferee = 0;
    }
    return cs;
  }

  /** The conf change an entry of either type holds. */
  static ConfChangeV2 decode(Entry e) {
    try {
      if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
        return ConfChanges.toV2(ConfChange.parseFrom(e.getData()));
      }
      return ConfChangeV2.parseFrom(e.getData());
    } catch (InvalidProtocolBufferException ex) {
      throw new InvalidConfChangeException(
          "entry " + e.getIndex() + " holds a malformed conf change: " + ex.getMessage());
    }
  }
}
