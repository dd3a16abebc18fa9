package dev.raftboot.core;

import dev.raftboot.core.confchange.Changer;
import dev.raftboot.core.confchange.ConfChanges;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a leader does: take proposals, track each follower's answers for flow control (§5.3) and
 * commit (§5.4.2), heartbeat, confirm reads (thesis §6.4), transfer leadership (thesis §3.10) and
 * check that it still has a quorum (thesis §6.2). What it sends to replicate is {@link
 * Replication}'s.
 */
final class Leader {
  private static final Logger log = LoggerFactory.getLogger(Leader.class);

  private final Raft r;
  private final LeaderReads reads;

  Leader(Raft r) {
    this.r = r;
    this.reads = new LeaderReads(r);
  }

  void tickHeartbeat() {
    r.heartbeatElapsed++;
    r.electionElapsed++;
    if (r.electionElapsed >= r.electionTimeout) {
      r.electionElapsed = 0;
      if (r.config.checkQuorum()) {
        r.step(local(MessageType.MSG_CHECK_QUORUM));
      }
      if (r.state == StateRole.LEADER && r.leadTransferee != 0) {
        // A transfer that did not finish within an election timeout has failed.
        log.info("raft {} aborts transfer to {}: it timed out", r.id, r.leadTransferee);
        r.leadTransferee = 0;
      }
    }
    if (r.state != StateRole.LEADER) {
      return;
    }
    if (r.heartbeatElapsed >= r.heartbeatTimeout) {
      r.heartbeatElapsed = 0;
      r.step(local(MessageType.MSG_BEAT));
    }
  }

  private Message local(MessageType type) {
    return Message.newBuilder().setType(type).setFrom(r.id).build();
  }

  void step(Message m) {
    switch (m.getType()) {
      case MSG_BEAT -> {
        r.replication.bcastHeartbeat();
        return;
      }
      case MSG_CHECK_QUORUM -> {
        if (!r.prs.quorumActive(r.id)) {
          log.warn("raft {} stepped down to follower since quorum is not active", r.id);
          r.becomeFollower(r.term, 0);
        }
        // Every check starts a fresh round of "have I heard from you?".
        r.prs.progress().forEach((peer, pr) -> pr.recentActive(peer == r.id));
        return;
      }
      case MSG_PROPOSE -> {
        propose(m);
        return;
      }
      case MSG_READ_INDEX -> {
        reads.readIndex(m);
        return;
      }
      default -> {}
    }

    PeerProgress pr = r.prs.get(m.getFrom());
    if (pr == null) {
      if (m.getType() == MessageType.MSG_TRANSFER_LEADER) {
        log.info("raft {} ignored transfer to {}: not a member", r.id, m.getFrom());
      } else {
        log.debug("raft {} no progress available for {}", r.id, m.getFrom());
      }
      return;
    }
    switch (m.getType()) {
      case MSG_APPEND_RESPONSE -> handleAppendResponse(m, pr);
      case MSG_HEARTBEAT_RESPONSE -> handleHeartbeatResponse(m, pr);
      case MSG_SNAP_STATUS -> {
        if (pr.state() != ProgressState.SNAPSHOT) {
          return;
        }
        if (m.getReject()) {
          // The snapshot did not arrive; forget it so that a new one is made and sent.
          long pending = pr.pendingSnapshot();
          pr.becomeSnapshot(0);
          pr.becomeProbe();
          log.debug("raft {} snapshot {} to {} failed; probing", r.id, pending, m.getFrom());
        } else {
          pr.becomeProbe();
          log.debug("raft {} snapshot to {} succeeded; probing from {}", r.id, m.getFrom(), pr);
        }
        // Wait for the follower's answer (an append response or a heartbeat response) before
        // sending more: the snapshot may still be being applied.
        pr.probeSent(true);
      }
      case MSG_UNREACHABLE -> {
        // The transport lost a message: optimistic streaming must fall back to probing.
        if (pr.state() == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
        log.debug("raft {} failed to send message to {}: unreachable", r.id, m.getFrom());
      }
      case MSG_TRANSFER_LEADER -> transferLeader(m, pr);
      default -> {}
    }
  }

  // ---------------------------------------------------------------- proposals

  private void propose(Message m) {
    proposeEntries(new ArrayList<>(m.getEntriesList()), m.getFrom());
  }

  /**
   * Appends proposed entries (the list is this method's to modify) and replicates them; {@code
   * from} is the node that proposed them, this one or a follower that forwarded them.
   */
  void proposeEntries(List<Entry> entries, long from) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("raft " + r.id + ": proposal with no entries");
    }
    if (r.prs.get(r.id) == null) {
      // Removed from the configuration while still leading (stepDownOnRemoval off).
      throw new ProposalDroppedException("this leader is no longer a member", 0);
    }
    if (r.leadTransferee != 0) {
      if (from != r.id && r.heldProposals.hold(from, entries)) {
        return;
      }
      throw new ProposalDroppedException(
          "leadership transfer to " + r.leadTransferee + " is in progress", r.leadTransferee);
    }
    long prevPendingConfIndex = r.pendingConfIndex;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.getType() == EntryType.ENTRY_NORMAL) {
        continue;
      }
      String refusal = checkConfChange(Reconfiguration.decode(e));
      if (refusal != null) {
        if (from == r.id) {
          throw new InvalidConfChangeException(refusal);
        }
        // Forwarded from a follower: keep the log position, drop the change (etcd's rule).
        log.info("raft {} ignoring conf change {} from {}: {}", r.id, e, from, refusal);
        entries.set(i, Entry.getDefaultInstance());
      } else if (r.pendingConfIndex > r.raftLog.applied()) {
        log.info(
            "raft {} propose conf change {} ignored since pending unapplied configuration [index"
                + " {}, applied {}]",
            r.id,
            e.getType(),
            r.pendingConfIndex,
            r.raftLog.applied());
        entries.set(i, Entry.getDefaultInstance());
      } else {
        r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
      }
    }
    if (!r.appendEntries(entries)) {
      // Nothing was appended: a conf change in it must not count as pending, or its retry would
      // be turned into an empty entry.
      r.pendingConfIndex = prevPendingConfIndex;
      throw new ProposalDroppedException(
          "uncommitted log size would exceed " + r.config.maxUncommittedEntriesSize() + " bytes",
          r.id);
    }
    r.replication.bcastAppend();
  }

  /** Why the change cannot apply to the current configuration, or null if it can. */
  private String checkConfChange(ConfChangeV2 cc) {
    if (r.pendingConfIndex > r.raftLog.applied()) {
      // Another change is pending: the configuration to check against is not known yet.
      return null;
    }
    boolean alreadyJoint = r.prs.config().voters().isJoint();
    boolean wantsLeaveJoint = ConfChanges.leavesJoint(cc);
    if (alreadyJoint && !wantsLeaveJoint) {
      return "must transition out of joint config first";
    }
    if (!alreadyJoint && wantsLeaveJoint) {
      return "not in joint state; refusing empty conf change";
    }
    try {
      Changer changer = new Changer(r.prs, r.raftLog.lastIndex());
      if (wantsLeaveJoint) {
        changer.leaveJoint();
      } else if (ConfChanges.entersJoint(cc)) {
        changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
      } else {
        changer.simple(cc.getChangesList());
      }
      return null;
    } catch (InvalidConfChangeException e) {
      return e.getMessage();
    }
  }

  // ---------------------------------------------------------------- replication

  private void handleAppendResponse(Message m, PeerProgress pr) {
    pr.recentActive(true);
    if (m.getReject()) {
      log.debug(
          "raft {} received MsgAppResp(rejected, hint: (index {}, term {})) from {} for index {}",
          r.id,
          m.getRejectHint(),
          m.getLogTerm(),
          m.getFrom(),
          m.getIndex());
      long nextProbe = m.getRejectHint();
      if (m.getLogTerm() > 0) {
        // The follower's log holds term logTerm at rejectHint. Skip to the last of our entries
        // with a term ≤ that: everything after it cannot match (thesis §5.3 optimization).
        nextProbe = r.raftLog.findConflictByTerm(m.getRejectHint(), m.getLogTerm());
      }
      if (pr.maybeDecrTo(m.getIndex(), nextProbe)) {
        if (pr.state() == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
        r.replication.sendAppend(m.getFrom());
      }
      return;
    }
    if (m.getIndex() > r.raftLog.lastIndex()) {
      // Nobody can hold more than the leader wrote: a corrupt or misdirected answer.
      log.warn(
          "raft {} ignored MsgAppResp from {} acknowledging index {} beyond its last index {}",
          r.id,
          m.getFrom(),
          m.getIndex(),
          r.raftLog.lastIndex());
      return;
    }
    boolean wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.getIndex())) {
      return;
    }
    switch (pr.state()) {
      case PROBE -> pr.becomeReplicate();
      case SNAPSHOT -> {
        if (pr.match() >= pr.pendingSnapshot()) {
          log.debug("raft {} recovered from needing snapshot, resumed sending to {}", r.id, pr);
          pr.becomeProbe();
          pr.becomeReplicate();
        }
      }
      case REPLICATE -> pr.inflights().freeLE(m.getIndex());
    }
    if (maybeCommit()) {
      releasePendingReadIndexMessages();
      r.replication.bcastAppend();
    } else if (wasPaused) {
      r.replication.sendAppend(m.getFrom());
    }
    // Fill the window: the acknowledgement may have freed room for more.
    while (r.replication.maybeSendAppend(m.getFrom(), false)) {
      // keep sending
    }
    if (m.getFrom() == r.leadTransferee && pr.match() == r.raftLog.lastIndex()) {
      log.info("raft {} sent MsgTimeoutNow to {} after received MsgAppResp", r.id, m.getFrom());
      sendTimeoutNow(m.getFrom());
    }
  }

  private void handleHeartbeatResponse(Message m, PeerProgress pr) {
    pr.recentActive(true);
    r.lease.onHeartbeatAnswer(pr, m.getLeaseTick());
    pr.probeSent(false);
    // A full window may be full of lost messages: free a slot so that progress resumes.
    if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
      pr.inflights().freeFirstOne();
    }
    // A probing peer is probed again now that it answered, so that it leaves PROBE without
    // waiting for the next proposal.
    if (pr.match() < r.raftLog.lastIndex() || pr.state() == ProgressState.PROBE) {
      r.replication.sendAppend(m.getFrom());
    }
    reads.onHeartbeatAck(m);
  }

  /** Advances the commit index to what a quorum holds, if it is of this term. */
  boolean maybeCommit() {
    return r.raftLog.maybeCommit(r.prs.committed(), r.term);
  }

  /** Read index requests that arrived before this leader committed an entry of its term. */
  void releasePendingReadIndexMessages() {
    reads.releasePending();
  }

  /** Read rounds whose acknowledgements are a quorum of a new configuration are answered. */
  void recountReadRounds() {
    reads.recountRounds();
  }

  // ---------------------------------------------------------------- leadership transfer

  private void transferLeader(Message m, PeerProgress pr) {
    if (pr.isLearner()) {
      log.info("raft {} is ignoring transfer to learner {}", r.id, m.getFrom());
      return;
    }
    long transferee = m.getFrom();
    long last = r.leadTransferee;
    if (last != 0) {
      if (last == transferee) {
        log.info(
            "raft {} [term {}] transfer leadership to {} is in progress, ignores request to same"
                + " node",
            r.id,
            r.term,
            transferee);
        return;
      }
      log.info("raft {} aborts transfer to {} for a new request", r.id, last);
      r.leadTransferee = 0;
    }
    if (transferee == r.id) {
      log.info("raft {} is already leader; ignored transfer to itself", r.id);
      return;
    }
    log.info("raft {} [term {}] starts to transfer leadership to {}", r.id, r.term, transferee);
    // The transfer must finish within one election timeout, or it is aborted.
    r.electionElapsed = 0;
    r.leadTransferee = transferee;
    if (pr.match() == r.raftLog.lastIndex()) {
      sendTimeoutNow(transferee);
      log.info(
          "raft {} sends MsgTimeoutNow to {} immediately as {} already has up-to-date log",
          r.id,
          transferee,
          transferee);
    } else {
      r.replication.sendAppend(transferee);
    }
  }

  private void sendTimeoutNow(long to) {
    r.leaseVoid = true;
    r.send(Message.newBuilder().setTo(to).setType(MessageType.MSG_TIMEOUT_NOW));
  }
}
