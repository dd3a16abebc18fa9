package dev.raftboot.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.core.confchange.Changer;
import dev.raftboot.core.confchange.ConfChanges;
import dev.raftboot.core.confchange.Restore;
import dev.raftboot.core.log.RaftLog;
import dev.raftboot.core.quorum.VoteResult;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.core.tracker.ProgressTracker;
import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of one node: roles, terms, votes, the log and its replication. It reacts
 * to {@link #step} and {@link #tick} only, and everything it wants done is queued in {@link #msgs}
 * and the log for {@link RawNode} to hand out in a {@link Ready}.
 *
 * <p>The leader's behaviour lives in {@link Leader}; this class holds the state shared by all
 * roles, the term rules of §5.1, elections (§5.2, with pre-vote and check-quorum of the thesis §9.6
 * and §6.2), and the follower side of replication.
 */
final class Raft {
  private static final Logger log = LoggerFactory.getLogger(Raft.class);

  /** The context of vote requests made on a leader's request (transfer): they bypass leases. */
  static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

  final long id;
  long term;
  long vote;
  long lead;
  StateRole state = StateRole.FOLLOWER;
  boolean isLearner;

  final RaftLog raftLog;
  ProgressTracker prs;
  final RaftConfig config;

  final List<Message> msgs = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();

  /** The leader transfer target, or 0 when no transfer is in progress. */
  long leadTransferee;

  /**
   * Only one conf change may be pending (in the log, not yet applied); this is the index of the
   * latest one a leader appended.
   */
  long pendingConfIndex;

  /** Payload bytes appended by this leader and not yet committed (and applied). */
  long uncommittedSize;

  ReadOnly readOnly;

  /** Read requests that arrived before this leader committed an entry of its own term. */
  final List<Message> pendingReadIndexMessages = new ArrayList<>();

  /** Ticks since the last reset: for followers, since the leader was last heard. */
  int electionElapsed;

  /** Ticks since the last heartbeat (leader only). */
  int heartbeatElapsed;

  final int heartbeatTimeout;
  final int electionTimeout;

  /** A random value in [electionTimeout, 2 * electionTimeout), drawn again on every reset. */
  int randomizedElectionTimeout;

  private final SplittableRandom random;
  final Leader leader = new Leader(this);

  Raft(RaftConfig config, LogStorage storage) {
    this.config = config;
    this.id = config.id();
    this.raftLog = new RaftLog(storage, config.maxCommittedSizePerReady());
    this.heartbeatTimeout = config.heartbeatTick();
    this.electionTimeout = config.electionTick();
    // Mixing the node id in keeps nodes configured with the same seed from timing out in
    // lockstep, which would split every vote.
    this.random = new SplittableRandom(config.randomSeed() * 0x9E3779B97F4A7C15L + id);
    this.readOnly = new ReadOnly(config.readOnlyOption());

    RaftState rs = storage.initialState();
    this.prs = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
    Restore.restore(prs, raftLog.lastIndex(), rs.confState());
    PeerProgress self = prs.get(id);
    this.isLearner = self != null && self.isLearner();

    HardState hs = rs.hardState();
    if (!hs.equals(HardState.getDefaultInstance())) {
      loadState(hs);
    }
    if (config.applied() > 0) {
      raftLog.appliedTo(config.applied());
    }
    becomeFollower(term, 0);
    log.info(
        "raft {} started [term: {}, commit: {}, applied: {}, lastIndex: {}, lastTerm: {}, {}]",
        id,
        term,
        raftLog.committed(),
        raftLog.applied(),
        raftLog.lastIndex(),
        raftLog.lastTerm(),
        prs.config());
  }

  private void loadState(HardState hs) {
    if (hs.getCommit() < raftLog.committed() || hs.getCommit() > raftLog.lastIndex()) {
      throw new IllegalStateException(
          "raft "
              + id
              + ": stored commit "
              + hs.getCommit()
              + " is out of range ["
              + raftLog.committed()
              + ", "
              + raftLog.lastIndex()
              + "]: the log was truncated or lost");
    }
    raftLog.commitTo(hs.getCommit());
    term = hs.getTerm();
    vote = hs.getVote();
  }

  SoftState softState() {
    return new SoftState(lead, state);
  }

  HardState hardState() {
    return HardState.newBuilder()
        .setTerm(term)
        .setVote(vote)
        .setCommit(raftLog.committed())
        .build();
  }

  // ---------------------------------------------------------------- role transitions

  void becomeFollower(long newTerm, long newLead) {
    reset(newTerm);
    lead = newLead;
    state = StateRole.FOLLOWER;
    log.debug("raft {} became follower at term {}", id, term);
  }

  void becomeCandidate() {
    if (state == StateRole.LEADER) {
      throw new IllegalStateException("invalid transition [leader -> candidate]");
    }
    reset(term + 1);
    vote = id;
    state = StateRole.CANDIDATE;
    log.info("raft {} became candidate at term {}", id, term);
  }

  void becomePreCandidate() {
    if (state == StateRole.LEADER) {
      throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
    }
    // A pre-candidate changes neither term nor vote: that is the point of pre-vote.
    prs.resetVotes();
    lead = 0;
    state = StateRole.PRE_CANDIDATE;
    log.info("raft {} became pre-candidate at term {}", id, term);
  }

  void becomeLeader() {
    if (state == StateRole.FOLLOWER) {
      throw new IllegalStateException("invalid transition [follower -> leader]");
    }
    reset(term);
    lead = id;
    state = StateRole.LEADER;
    prs.get(id).becomeReplicate();
    // Any conf change in the log might be uncommitted; forbid another until it is applied.
    pendingConfIndex = raftLog.lastIndex();
    // §5.4.2 / thesis §3.6.2: a new leader commits an entry of its own term to learn what is
    // committed; an empty one costs least. It is not counted toward the uncommitted limit.
    if (!appendEntries(List.of(Entry.getDefaultInstance()))) {
      throw new IllegalStateException("empty entry was dropped");
    }
    uncommittedSize = 0;
    log.info("raft {} became leader at term {}", id, term);
  }

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = 0;
    }
    lead = 0;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    resetRandomizedElectionTimeout();
    leadTransferee = 0;
    prs.resetVotes();
    long lastIndex = raftLog.lastIndex();
    long persisted = raftLog.persistedLastIndex();
    prs.progress()
        .forEach(
            (peer, old) -> {
              PeerProgress pr =
                  new PeerProgress(0, lastIndex + 1, old.inflights().cloneEmpty(), old.isLearner());
              // The leader's own log counts toward a quorum only where it is durable.
              if (peer == id) {
                pr.maybeUpdate(persisted);
                pr.optimisticUpdate(lastIndex);
              }
              prs.progress().put(peer, pr);
            });
    pendingConfIndex = 0;
    uncommittedSize = 0;
    readOnly = new ReadOnly(config.readOnlyOption());
    pendingReadIndexMessages.clear();
  }

  void resetRandomizedElectionTimeout() {
    randomizedElectionTimeout = electionTimeout + random.nextInt(electionTimeout);
  }

  boolean pastElectionTimeout() {
    return electionElapsed >= randomizedElectionTimeout;
  }

  /** Whether this node may become leader: a voter, not waiting to install a snapshot. */
  boolean promotable() {
    PeerProgress pr = prs.get(id);
    return pr != null && !pr.isLearner() && !raftLog.hasPendingSnapshot();
  }

  // ---------------------------------------------------------------- ticks

  void tick() {
    if (state == StateRole.LEADER) {
      leader.tickHeartbeat();
    } else {
      tickElection();
    }
  }

  private void tickElection() {
    electionElapsed++;
    if (promotable() && pastElectionTimeout()) {
      electionElapsed = 0;
      step(Message.newBuilder().setType(MessageType.MSG_HUP).setFrom(id).build());
    }
  }

  // ---------------------------------------------------------------- elections

  private void hup(boolean transfer) {
    if (state == StateRole.LEADER) {
      log.debug("raft {} ignoring MsgHup because already leader", id);
      return;
    }
    if (!promotable()) {
      log.warn("raft {} is unpromotable and can not campaign", id);
      return;
    }
    if (hasUnappliedConfChanges()) {
      log.warn("raft {} cannot campaign at term {}: there are unapplied conf changes", id, term);
      return;
    }
    log.info("raft {} is starting a new election at term {}", id, term);
    if (config.preVote() && !transfer) {
      campaign(true, false);
    } else {
      campaign(false, transfer);
    }
  }

  /**
   * A node must not campaign while a conf change it has committed is not yet applied: it would
   * count votes with a configuration that is already outdated.
   */
  private boolean hasUnappliedConfChanges() {
    if (raftLog.applied() >= raftLog.committed()) {
      return false;
    }
    long lo = raftLog.applied() + 1;
    long hi = raftLog.committed() + 1;
    while (lo < hi) {
      List<Entry> ents = raftLog.slice(lo, hi, config.maxSizePerMsg());
      for (Entry e : ents) {
        if (e.getType() != EntryType.ENTRY_NORMAL) {
          return true;
        }
      }
      lo = ents.get(ents.size() - 1).getIndex() + 1;
    }
    return false;
  }

  private void campaign(boolean preElection, boolean transfer) {
    if (!promotable()) {
      log.warn("raft {} is unpromotable; campaign() should not have been called", id);
      return;
    }
    long voteTerm;
    MessageType voteType;
    if (preElection) {
      becomePreCandidate();
      voteType = MessageType.MSG_REQUEST_PRE_VOTE;
      // Ask with the term we would have, without taking it yet.
      voteTerm = term + 1;
    } else {
      becomeCandidate();
      voteType = MessageType.MSG_REQUEST_VOTE;
      voteTerm = term;
    }
    if (poll(id, true) == VoteResult.WON) {
      // A single-voter cluster wins at once.
      if (preElection) {
        campaign(false, transfer);
      } else {
        becomeLeader();
      }
      return;
    }
    long lastIndex = raftLog.lastIndex();
    long lastTerm = raftLog.lastTerm();
    for (long voter : prs.config().voters().ids()) {
      if (voter == id) {
        continue;
      }
      log.info(
          "raft {} [logterm: {}, index: {}] sent {} request to {} at term {}",
          id,
          lastTerm,
          lastIndex,
          voteType,
          voter,
          term);
      Message.Builder m =
          Message.newBuilder()
              .setType(voteType)
              .setTo(voter)
              .setTerm(voteTerm)
              .setIndex(lastIndex)
              .setLogTerm(lastTerm);
      if (transfer) {
        m.setContext(CAMPAIGN_TRANSFER);
      }
      send(m);
    }
  }

  private VoteResult poll(long from, boolean granted) {
    prs.recordVote(from, granted);
    return prs.tallyVotes();
  }

  // ---------------------------------------------------------------- step

  /**
   * Feeds a message into the state machine. Applies the term rules first (§5.1): a higher term
   * makes this node a follower of it, a lower term is ignored or answered so that its sender learns
   * the newer term.
   *
   * @throws ProposalDroppedException when a proposal or read cannot be accepted
   */
  void step(Message m) {
    long mt = m.getTerm();
    MessageType type = m.getType();
    if (mt > term) {
      if (type == MessageType.MSG_REQUEST_VOTE || type == MessageType.MSG_REQUEST_PRE_VOTE) {
        boolean force = CAMPAIGN_TRANSFER.equals(m.getContext());
        boolean inLease = config.checkQuorum() && lead != 0 && electionElapsed < electionTimeout;
        if (!force && inLease) {
          // Within the lease of a live leader a node disregards votes: a node partitioned
          // away and back must not depose a healthy leader (thesis §4.2.3).
          log.info(
              "raft {} [term: {}] ignored {} from {} at term {}: lease is not expired ({} ticks"
                  + " left)",
              id,
              term,
              type,
              m.getFrom(),
              mt,
              electionTimeout - electionElapsed);
          return;
        }
      }
      if (type == MessageType.MSG_REQUEST_PRE_VOTE) {
        // A pre-vote never changes our term.
      } else if (type == MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE && !m.getReject()) {
        // A granted pre-vote carries the term we asked for; we take it once a quorum agrees.
      } else {
        log.debug(
            "raft {} [term: {}] received a {} with higher term from {} [term: {}]",
            id,
            term,
            type,
            m.getFrom(),
            mt);
        if (type == MessageType.MSG_APPEND
            || type == MessageType.MSG_HEARTBEAT
            || type == MessageType.MSG_SNAPSHOT) {
          becomeFollower(mt, m.getFrom());
        } else {
          becomeFollower(mt, 0);
        }
      }
    } else if (mt < term && mt != 0) {
      stepStaleTerm(m);
      return;
    }

    switch (type) {
      case MSG_HUP -> hup(false);
      case MSG_REQUEST_VOTE, MSG_REQUEST_PRE_VOTE -> handleVoteRequest(m);
      default -> {
        switch (state) {
          case LEADER -> leader.step(m);
          case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
          case FOLLOWER -> stepFollower(m);
        }
      }
    }
  }

  private void stepStaleTerm(Message m) {
    MessageType type = m.getType();
    if ((config.checkQuorum() || config.preVote())
        && (type == MessageType.MSG_HEARTBEAT || type == MessageType.MSG_APPEND)) {
      // A leader cut off by a partition keeps its old term. With check-quorum or pre-vote our
      // term may have moved on without it hearing of it (we never disturbed it with votes), so
      // tell it: the answer carries our term and deposes it.
      send(Message.newBuilder().setTo(m.getFrom()).setType(MessageType.MSG_APPEND_RESPONSE));
    } else if (type == MessageType.MSG_REQUEST_PRE_VOTE) {
      // Reject stale pre-votes explicitly so that the sender sees our term and stops.
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setTerm(term)
              .setType(MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE)
              .setReject(true));
    } else {
      log.debug(
          "raft {} [term: {}] ignored a {} from {} with lower term {}",
          id,
          term,
          type,
          m.getFrom(),
          m.getTerm());
    }
  }

  private void handleVoteRequest(Message m) {
    boolean preVote = m.getType() == MessageType.MSG_REQUEST_PRE_VOTE;
    MessageType respType =
        preVote ? MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE : MessageType.MSG_REQUEST_VOTE_RESPONSE;
    // One vote per term (§5.2): we may repeat our vote, vote if we have not and know no
    // leader, or grant a pre-vote for a future term.
    boolean canVote =
        vote == m.getFrom() || (vote == 0 && lead == 0) || (preVote && m.getTerm() > term);
    if (canVote && raftLog.isUpToDate(m.getIndex(), m.getLogTerm())) {
      log.info(
          "raft {} [logterm: {}, index: {}, vote: {}] cast {} for {} [logterm: {}, index: {}] at"
              + " term {}",
          id,
          raftLog.lastTerm(),
          raftLog.lastIndex(),
          vote,
          m.getType(),
          m.getFrom(),
          m.getLogTerm(),
          m.getIndex(),
          term);
      // The answer carries the term of the request: for a pre-vote that is a term we have not
      // taken, and the candidate must recognize its own answer.
      send(Message.newBuilder().setTo(m.getFrom()).setTerm(m.getTerm()).setType(respType));
      if (!preVote) {
        electionElapsed = 0;
        vote = m.getFrom();
      }
    } else {
      log.info(
          "raft {} [logterm: {}, index: {}, vote: {}] rejected {} from {} [logterm: {}, index:"
              + " {}] at term {}",
          id,
          raftLog.lastTerm(),
          raftLog.lastIndex(),
          vote,
          m.getType(),
          m.getFrom(),
          m.getLogTerm(),
          m.getIndex(),
          term);
      send(Message.newBuilder().setTo(m.getFrom()).setTerm(term).setType(respType).setReject(true));
    }
  }

  private void stepCandidate(Message m) {
    MessageType myResponse =
        state == StateRole.PRE_CANDIDATE
            ? MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE
            : MessageType.MSG_REQUEST_VOTE_RESPONSE;
    switch (m.getType()) {
      case MSG_PROPOSE -> throw new ProposalDroppedException("no leader at term " + term, 0);
      case MSG_READ_INDEX -> throw new ProposalDroppedException("no leader at term " + term, 0);
      case MSG_APPEND -> {
        becomeFollower(m.getTerm(), m.getFrom());
        handleAppendEntries(m);
      }
      case MSG_HEARTBEAT -> {
        becomeFollower(m.getTerm(), m.getFrom());
        handleHeartbeat(m);
      }
      case MSG_SNAPSHOT -> {
        becomeFollower(m.getTerm(), m.getFrom());
        handleSnapshot(m);
      }
      case MSG_TIMEOUT_NOW ->
          log.debug("raft {} ignored MsgTimeoutNow from {}: not a follower", id, m.getFrom());
      default -> {
        if (m.getType() == myResponse) {
          VoteResult result = poll(m.getFrom(), !m.getReject());
          int[] counts = prs.voteCounts();
          log.info(
              "raft {} has received {} {} votes and {} vote rejections",
              id,
              counts[0],
              m.getType(),
              counts[1]);
          if (result == VoteResult.WON) {
            if (state == StateRole.PRE_CANDIDATE) {
              campaign(false, false);
            } else {
              becomeLeader();
              leader.bcastAppend();
            }
          } else if (result == VoteResult.LOST) {
            // A rejection may carry a higher term, already taken above; otherwise stay put.
            becomeFollower(term, 0);
          }
        }
      }
    }
  }

  private void stepFollower(Message m) {
    switch (m.getType()) {
      case MSG_PROPOSE -> {
        if (lead == 0) {
          throw new ProposalDroppedException("no leader at term " + term, 0);
        }
        if (config.disableProposalForwarding()) {
          throw new ProposalDroppedException("not leader and forwarding is disabled", lead);
        }
        send(m.toBuilder().setTo(lead));
      }
      case MSG_APPEND -> {
        electionElapsed = 0;
        lead = m.getFrom();
        handleAppendEntries(m);
      }
      case MSG_HEARTBEAT -> {
        electionElapsed = 0;
        lead = m.getFrom();
        handleHeartbeat(m);
      }
      case MSG_SNAPSHOT -> {
        electionElapsed = 0;
        lead = m.getFrom();
        handleSnapshot(m);
      }
      case MSG_TRANSFER_LEADER -> {
        if (lead == 0) {
          log.info("raft {} no leader at term {}; dropping leader transfer msg", id, term);
          return;
        }
        send(m.toBuilder().setTo(lead));
      }
      case MSG_TIMEOUT_NOW -> {
        log.info(
            "raft {} [term {}] received MsgTimeoutNow from {} and starts an election to get"
                + " leadership",
            id,
            term,
            m.getFrom());
        // Leadership transfer never uses pre-vote: the old leader asked for it, so there is no
        // disruption to guard against.
        hup(true);
      }
      case MSG_READ_INDEX -> {
        if (lead == 0) {
          throw new ProposalDroppedException("no leader at term " + term + " to read from", 0);
        }
        send(m.toBuilder().setTo(lead));
      }
      case MSG_READ_INDEX_RESP -> {
        if (m.getEntriesCount() != 1) {
          log.error(
              "raft {} invalid format of MsgReadIndexResp from {}: {} entries",
              id,
              m.getFrom(),
              m.getEntriesCount());
          return;
        }
        readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData().toByteArray()));
      }
      default -> {
        // Leader-only messages (responses, local signals) mean nothing to a follower.
      }
    }
  }

  // ---------------------------------------------------------------- follower replication

  void handleAppendEntries(Message m) {
    if (m.getIndex() < raftLog.committed()) {
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MSG_APPEND_RESPONSE)
              .setIndex(raftLog.committed()));
      return;
    }
    long lastNew =
        raftLog.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
    if (lastNew >= 0) {
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MSG_APPEND_RESPONSE)
              .setIndex(lastNew));
      return;
    }
    // Reject with a hint: the last index whose term is ≤ the leader's term at m.index. The
    // leader can skip all our entries of terms it does not have in one round trip.
    long hintIndex = Math.min(m.getIndex(), raftLog.lastIndex());
    hintIndex = raftLog.findConflictByTerm(hintIndex, m.getLogTerm());
    long hintTerm = raftLog.termOrZero(hintIndex);
    log.debug(
        "raft {} [logterm: {}, index: {}] rejected MsgApp [logterm: {}, index: {}] from {}",
        id,
        raftLog.termOrZero(m.getIndex()),
        m.getIndex(),
        m.getLogTerm(),
        m.getIndex(),
        m.getFrom());
    send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setType(MessageType.MSG_APPEND_RESPONSE)
            .setIndex(m.getIndex())
            .setReject(true)
            .setRejectHint(hintIndex)
            .setLogTerm(hintTerm));
  }

  private void handleHeartbeat(Message m) {
    // The leader sends min(match, commit), so this never reaches past what we hold.
    raftLog.commitTo(m.getCommit());
    send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setType(MessageType.MSG_HEARTBEAT_RESPONSE)
            .setContext(m.getContext()));
  }

  private void handleSnapshot(Message m) {
    Snapshot snap = m.getSnapshot();
    long index = snap.getMetadata().getIndex();
    long snapTerm = snap.getMetadata().getTerm();
    if (restore(snap)) {
      log.info(
          "raft {} [commit: {}] restored snapshot [index: {}, term: {}]",
          id,
          raftLog.committed(),
          index,
          snapTerm);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MSG_APPEND_RESPONSE)
              .setIndex(raftLog.lastIndex()));
    } else {
      log.info(
          "raft {} [commit: {}] ignored snapshot [index: {}, term: {}]",
          id,
          raftLog.committed(),
          index,
          snapTerm);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MSG_APPEND_RESPONSE)
              .setIndex(raftLog.committed()));
    }
  }

  /**
   * Installs a snapshot if it brings news. A snapshot not newer than the commit index is ignored;
   * one whose last entry we already hold only moves the commit index forward.
   */
  boolean restore(Snapshot snap) {
    long index = snap.getMetadata().getIndex();
    long snapTerm = snap.getMetadata().getTerm();
    if (index <= raftLog.committed()) {
      return false;
    }
    if (state != StateRole.FOLLOWER) {
      // Only a leader of this term sends snapshots, and a message from it made us a follower.
      // Anything else is a bug elsewhere: refuse to go on in a state that might be inconsistent.
      log.warn("raft {} attempted to restore snapshot as {}; becoming follower", id, state);
      becomeFollower(term + 1, 0);
      return false;
    }
    ConfState cs = snap.getMetadata().getConfState();
    boolean found =
        cs.getVotersList().contains(id)
            || cs.getLearnersList().contains(id)
            || cs.getVotersOutgoingList().contains(id);
    if (!found) {
      log.warn(
          "raft {} attempted to restore snapshot but it is not in the ConfState {}; should never"
              + " happen",
          id,
          cs);
      return false;
    }
    if (raftLog.matchTerm(index, snapTerm)) {
      log.info(
          "raft {} fast-forwarded commit to snapshot [index: {}, term: {}]", id, index, snapTerm);
      raftLog.commitTo(index);
      return false;
    }
    raftLog.restore(snap);
    ProgressTracker fresh =
        new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
    Restore.restore(fresh, raftLog.lastIndex(), cs);
    ConfState installed = switchToConfig(fresh);
    if (!installed.equals(normalized(cs))) {
      throw new IllegalStateException(
          "restored conf state " + installed + " differs from the snapshot's " + cs);
    }
    PeerProgress self = prs.get(id);
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

  // ---------------------------------------------------------------- configuration

  ConfState applyConfChange(ConfChangeV2 cc) {
    Changer changer = new Changer(prs, raftLog.lastIndex());
    Changer.Result result;
    if (ConfChanges.leavesJoint(cc)) {
      result = changer.leaveJoint();
    } else if (ConfChanges.entersJoint(cc)) {
      result = changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
    } else {
      result = changer.simple(cc.getChangesList());
    }
    ProgressTracker next = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
    next.apply(result.config(), result.progress());
    return switchToConfig(next);
  }

  /** Installs a new configuration and reacts to it: step down if removed, probe new peers. */
  private ConfState switchToConfig(ProgressTracker next) {
    this.prs = next;
    log.info("raft {} switched to configuration {}", id, prs.config());
    ConfState cs = prs.config().toConfState();
    PeerProgress self = prs.get(id);
    isLearner = self != null && self.isLearner();
    if ((self == null || isLearner) && state == StateRole.LEADER) {
      // This leader was removed or demoted. It keeps leading until the change commits (it may
      // not even be committed yet when applied on a leader that applies early), then steps
      // down if so configured; otherwise it leads without counting itself until it is
      // replaced by a transfer.
      if (config.stepDownOnRemoval()) {
        becomeFollower(term, 0);
      }
      return cs;
    }
    if (state != StateRole.LEADER || cs.getVotersCount() == 0) {
      return cs;
    }
    if (leader.maybeCommit()) {
      // The new configuration may commit more: tell everyone.
      leader.bcastAppend();
    } else {
      // Otherwise at least probe the peers that were just added.
      for (long peer : prs.progress().keySet()) {
        if (peer != id) {
          leader.maybeSendAppend(peer, false);
        }
      }
    }
    if (leadTransferee != 0 && !prs.config().voters().contains(leadTransferee)) {
      log.info("raft {} aborts transfer to {}: it is no longer a voter", id, leadTransferee);
      leadTransferee = 0;
    }
    return cs;
  }

  // ---------------------------------------------------------------- shared helpers

  /**
   * Appends entries to this leader's log with the current term and the next indexes. Returns false,
   * appending nothing, when the uncommitted-size limit would be exceeded.
   */
  boolean appendEntries(List<Entry> entries) {
    long li = raftLog.lastIndex();
    List<Entry> stamped = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      stamped.add(entries.get(i).toBuilder().setTerm(term).setIndex(li + 1 + i).build());
    }
    if (!increaseUncommittedSize(stamped)) {
      log.debug(
          "raft {} appending new entries to log would exceed uncommitted entry size limit;"
              + " dropping proposal",
          id);
      return false;
    }
    raftLog.append(stamped);
    PeerProgress self = prs.get(id);
    if (self != null) {
      self.optimisticUpdate(raftLog.lastIndex());
    }
    return true;
  }

  private boolean increaseUncommittedSize(List<Entry> entries) {
    long s = EntrySizes.payload(entries);
    if (uncommittedSize > 0 && s > 0 && uncommittedSize + s > config.maxUncommittedEntriesSize()) {
      // The first proposal is accepted whatever its size, so a large entry is never stuck.
      return false;
    }
    uncommittedSize += s;
    return true;
  }

  void reduceUncommittedSize(List<Entry> entries) {
    if (uncommittedSize == 0) {
      return;
    }
    long s = EntrySizes.payload(entries);
    uncommittedSize = s > uncommittedSize ? 0 : uncommittedSize - s;
  }

  /**
   * The application made the log durable up to {@link RaftLog#persistedLastIndex()}: a leader now
   * counts its own copy toward the commit quorum (thesis §10.2.1, so a leader may send appends
   * before its own write completes).
   */
  void onPersisted() {
    if (state != StateRole.LEADER) {
      return;
    }
    PeerProgress self = prs.get(id);
    if (self != null && self.maybeUpdate(raftLog.persistedLastIndex()) && leader.maybeCommit()) {
      leader.releasePendingReadIndexMessages();
      leader.bcastAppend();
    }
  }

  /** The application applied entries up to {@code index}. */
  void onApplied(long oldApplied, long newApplied) {
    if (prs.config().autoLeave()
        && state == StateRole.LEADER
        && oldApplied <= pendingConfIndex
        && newApplied >= pendingConfIndex) {
      // The joint configuration is applied; leave it with an empty conf change (thesis §4.3).
      // The entry is exempt from the uncommitted-size limit: leaving must never be refused.
      Entry leave =
          Entry.newBuilder()
              .setType(EntryType.ENTRY_CONF_CHANGE_V2)
              .setData(ConfChanges.leaveJoint().toByteString())
              .build();
      long saved = uncommittedSize;
      uncommittedSize = 0;
      appendEntries(List.of(leave));
      uncommittedSize = saved;
      pendingConfIndex = raftLog.lastIndex();
      log.info("raft {} initiating automatic transition out of joint configuration", id);
      leader.bcastAppend();
    }
  }

  /** Fills in sender and term, as every outgoing message needs, and queues it. */
  void send(Message.Builder m) {
    if (m.getFrom() == 0) {
      m.setFrom(id);
    }
    MessageType type = m.getType();
    if (type == MessageType.MSG_REQUEST_VOTE
        || type == MessageType.MSG_REQUEST_VOTE_RESPONSE
        || type == MessageType.MSG_REQUEST_PRE_VOTE
        || type == MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE) {
      if (m.getTerm() == 0) {
        // Votes carry the term they are about, which for pre-votes is not ours: the caller
        // must set it.
        throw new IllegalStateException("term must be set when sending " + type);
      }
    } else {
      if (m.getTerm() != 0) {
        throw new IllegalStateException(
            "term must not be set when sending " + type + " (was " + m.getTerm() + ")");
      }
      // Proposals and read requests forwarded to the leader are local messages of the leader:
      // they carry no term, so a stale term never gets them dropped.
      if (type != MessageType.MSG_PROPOSE && type != MessageType.MSG_READ_INDEX) {
        m.setTerm(term);
      }
    }
    msgs.add(m.build());
  }

  static ConfChangeV2 decodeConfChange(Entry e) {
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
