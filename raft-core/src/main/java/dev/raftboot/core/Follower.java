package dev.raftboot.core;

import dev.raftboot.core.confchange.Restore;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.core.tracker.ProgressTracker;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of replication (§5.3): appending what the leader sends, the commit rule
 * min(leaderCommit, last new entry), heartbeats, and installing snapshots.
 */
final class Follower {
  private static final Logger log = LoggerFactory.getLogger(Follower.class);

  private final Raft r;

  Follower(Raft r) {
    this.r = r;
  }

  void stepFollower(Message m) {
    switch (m.getType()) {
      case MSG_PROPOSE -> {
        if (r.lead == 0) {
          if (r.heldProposals.holdForwarded(m)) {
            return;
          }
          throw new ProposalDroppedException("no leader at term " + r.term, 0);
        }
        if (r.config.disableProposalForwarding()) {
          throw new ProposalDroppedException("not leader and forwarding is disabled", r.lead);
        }
        r.send(m.toBuilder().setTo(r.lead));
      }
      case MSG_APPEND -> {
        r.electionElapsed = 0;
        r.lead = m.getFrom();
        handleAppendEntries(m);
      }
      case MSG_HEARTBEAT -> {
        r.electionElapsed = 0;
        r.lead = m.getFrom();
        handleHeartbeat(m);
      }
      case MSG_SNAPSHOT -> {
        r.electionElapsed = 0;
        r.lead = m.getFrom();
        handleSnapshot(m);
      }
      case MSG_TRANSFER_LEADER -> {
        if (r.lead == 0) {
          log.info("raft {} no leader at term {}; dropping leader transfer msg", r.id, r.term);
          return;
        }
        r.send(m.toBuilder().setTo(r.lead));
      }
      case MSG_TIMEOUT_NOW -> {
        log.info(
            "raft {} [term {}] received MsgTimeoutNow from {} and starts an election to get"
                + " leadership",
            r.id,
            r.term,
            m.getFrom());
        // Leadership transfer never uses pre-vote: the old leader asked for it, so there is no
        // disruption to guard against.
        r.elections.hup(true);
      }
      case MSG_READ_INDEX -> {
        if (r.lead == 0) {
          throw new ProposalDroppedException("no leader at term " + r.term + " to read from", 0);
        }
        r.send(m.toBuilder().setTo(r.lead));
      }
      case MSG_READ_INDEX_RESP -> {
        if (m.getEntriesCount() != 1) {
          log.error(
              "raft {} invalid format of MsgReadIndexResp from {}: {} entries",
              r.id,
              m.getFrom(),
              m.getEntriesCount());
          return;
        }
        r.readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData().toByteArray()));
      }
      default -> {
        // Leader-only messages (responses, local signals) mean nothing to a follower.
      }
    }
  }

  void handleAppendEntries(Message m) {
    if (m.getIndex() < r.raftLog.committed()) {
      r.send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MSG_APPEND_RESPONSE)
              .setIndex(r.raftLog.committed()));
      return;
    }
    long lastNew =
        r.raftLog.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
    if (lastNew >= 0) {
      r.send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MSG_APPEND_RESPONSE)
              .setIndex(lastNew));
      return;
    }
    // Reject with a hint: the last index whose term is ≤ the leader's term at m.index. The
    // leader can skip all our entries of terms it does not have in one round trip.
    long hintIndex = Math.min(m.getIndex(), r.raftLog.lastIndex());
    hintIndex = r.raftLog.findConflictByTerm(hintIndex, m.getLogTerm());
    long hintTerm = r.raftLog.termOrZero(hintIndex);
    log.debug(
        "raft {} [logterm: {}, index: {}] rejected MsgApp [logterm: {}, index: {}] from {}",
        r.id,
        r.raftLog.termOrZero(m.getIndex()),
        m.getIndex(),
        m.getLogTerm(),
        m.getIndex(),
        m.getFrom());
    r.send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setType(MessageType.MSG_APPEND_RESPONSE)
            .setIndex(m.getIndex())
            .setReject(true)
            .setRejectHint(hintIndex)
            .setLogTerm(hintTerm));
  }

  void handleHeartbeat(Message m) {
    // The leader sends min(match, commit), so this never reaches past what we hold.
    r.raftLog.commitTo(m.getCommit());
    r.send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setType(MessageType.MSG_HEARTBEAT_RESPONSE)
            .setContext(m.getContext())
            .setLeaseTick(m.getLeaseTick()));
  }

  void handleSnapshot(Message m) {
    Snapshot snap = m.getSnapshot();
    long index = snap.getMetadata().getIndex();
    long snapTerm = snap.getMetadata().getTerm();
    boolean restored = restore(snap);
    log.info(
        "raft {} [commit: {}] {} snapshot [index: {}, term: {}]",
        r.id,
        r.raftLog.committed(),
        restored ? "restored" : "ignored",
        index,
        snapTerm);
    // Either way the leader learns how far this log now reaches.
    r.send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setType(MessageType.MSG_APPEND_RESPONSE)
            .setIndex(restored ? r.raftLog.lastIndex() : r.raftLog.committed()));
  }

  /**
   * Installs a snapshot if it brings news. A snapshot not newer than the commit index is ignored;
   * one whose last entry we already hold only moves the commit index forward.
   */
  boolean restore(Snapshot snap) {
    long index = snap.getMetadata().getIndex();
    long snapTerm = snap.getMetadata().getTerm();
    if (index <= r.raftLog.committed()) {
      return false;
    }
    if (r.state != StateRole.FOLLOWER) {
      // Only a leader of this term sends snapshots, and a message from it made us a follower.
      // Anything else is a bug elsewhere: refuse to go on in a state that might be inconsistent.
      log.warn("raft {} attempted to restore snapshot as {}; becoming follower", r.id, r.state);
      r.becomeFollower(r.term + 1, 0);
      return false;
    }
    ConfState cs = snap.getMetadata().getConfState();
    boolean found =
        cs.getVotersList().contains(r.id)
            || cs.getLearnersList().contains(r.id)
            || cs.getVotersOutgoingList().contains(r.id);
    if (!found) {
      log.warn(
          "raft {} attempted to restore snapshot but it is not in the ConfState {}; should never"
              + " happen",
          r.id,
          cs);
      return false;
    }
    if (r.raftLog.matchTerm(index, snapTerm)) {
      log.info(
          "raft {} fast-forwarded commit to snapshot [index: {}, term: {}]", r.id, index, snapTerm);
      r.raftLog.commitTo(index);
      return false;
    }
    r.raftLog.restore(snap);
    ProgressTracker fresh =
        new ProgressTracker(r.config.maxInflightMsgs(), r.config.maxInflightBytes());
    Restore.restore(fresh, r.raftLog.lastIndex(), cs);
    ConfState installed = r.reconfiguration.switchTo(fresh);
    if (!installed.equals(normalized(cs))) {
      throw new IllegalStateException(
          "restored conf state " + installed + " differs from the snapshot's " + cs);
    }
    PeerProgress self = r.prs.get(r.id);
    self.maybeUpdate(self.next() - 1);
    return true;
  }

  private static ConfState normalized(ConfState cs) {
    return ConfState.newBuilder()
        .addAllVoters(new java.util.TreeSet<>(cs.getVotersList()))
        .addAllLearners(new java.util.TreeSet<>(cs.getLearnersList()))
        .addAllVotersOutgoing(new java.util.TreeSet<>(cs.getVotersOutgoingList()))
        .addAllLearnersNext(new java.util.TreeSet<>(cs.getLearnersNextList()))
        .setAutoLeave(cs.getAutoLeave())
        .build();
  }
}
