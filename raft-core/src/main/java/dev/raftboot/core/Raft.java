package dev.raftboot.core;

import com.google.protobuf.ByteString;
import dev.raftboot.core.confchange.ConfChanges;
import dev.raftboot.core.confchange.Restore;
import dev.raftboot.core.log.RaftLog;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.core.tracker.ProgressTracker;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
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
 * <p>This class holds the state shared by all roles, the role transitions and the term rules of
 * §5.1. What each role does lives beside it: {@link Leader} and {@link Replication}, {@link
 * Elections} (candidates and voting), {@link Follower}; and {@link Reconfiguration} switches
 * configurations.
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
   * This leadership has sent MSG_TIMEOUT_NOW: the target may win an election its voters do not
   * refuse for a lease (a transfer's campaign overrides it), so this leader's lease proves nothing
   * any more. Lease reads go the safe way until the leadership ends.
   */
  boolean leaseVoid;

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
  final Replication replication = new Replication(this);
  final Reconfiguration reconfiguration = new Reconfiguration(this);
  final Elections elections = new Elections(this);
  final Follower follower = new Follower(this);
  final HeldProposals heldProposals = new HeldProposals(this);
  final Lease lease;

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
    // A node with a persisted term may have stood in a leader's lease before it restarted; a
    // group's first start (its bootstrap term persisted just now) cannot have.
    this.lease = new Lease(this, term > 0 && !config.freshStart());
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
    leaseVoid = false;
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
    lease.tick();
    if (state == StateRole.LEADER) {
      leader.tickHeartbeat();
    } else {
      tickElection();
    }
    heldProposals.tick();
    heldProposals.release();
  }

  private void tickElection() {
    electionElapsed++;
    if (promotable() && pastElectionTimeout()) {
      electionElapsed = 0;
      step(Message.newBuilder().setType(MessageType.MSG_HUP).setFrom(id).build());
    }
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
        if (!force && lease.refusesVotes()) {
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
      case MSG_HUP -> elections.hup(false);
      case MSG_REQUEST_VOTE, MSG_REQUEST_PRE_VOTE -> elections.handleVoteRequest(m);
      default -> {
        switch (state) {
          case LEADER -> leader.step(m);
          case CANDIDATE, PRE_CANDIDATE -> elections.stepCandidate(m);
          case FOLLOWER -> follower.stepFollower(m);
        }
      }
    }
    // A transfer may have ended with this message (a new leader, or this one again).
    heldProposals.release();
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

  // ---------------------------------------------------------------- shared helpers

  /**
   * Appends entries to this leader's log with the current term and the next indexes. Returns false,
   * appending nothing, when the uncommitted-size limit would be exceeded.
   */
  boolean appendEntries(List<Entry> entries) {
    long li = raftLog.lastIndex();
    List<Entry> stamped = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      long index = li + 1 + i;
      stamped.add(
          e.getTerm() == term && e.getIndex() == index
              ? e
              : e.toBuilder().setTerm(term).setIndex(index).build());
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
      replication.bcastAppend();
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
      replication.bcastAppend();
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
}
