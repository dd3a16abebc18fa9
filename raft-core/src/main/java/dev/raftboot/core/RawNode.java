package dev.raftboot.core;

import com.google.protobuf.ByteString;
import dev.raftboot.core.confchange.ConfChanges;
import dev.raftboot.core.tracker.PeerProgress;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public face of the consensus module: a deterministic state machine with no threads, no clock
 * and no I/O. Feed it ticks, messages and proposals; collect what it wants done with {@link
 * #ready()}; do it; call {@link #advance(Ready)}. The same inputs always produce the same outputs.
 *
 * <p>Not thread-safe: one thread at a time drives a RawNode.
 */
public final class RawNode {
  private static final Logger log = LoggerFactory.getLogger(RawNode.class);

  private final Raft raft;
  private SoftState prevSoftState;
  private HardState prevHardState;

  /**
   * A node over {@code storage}: a new node of a bootstrapped cluster (storage holds the initial
   * configuration) or a restarted one (storage holds its log and hard state).
   */
  public RawNode(RaftConfig config, LogStorage storage) {
    this.raft = new Raft(config, storage);
    this.prevSoftState = raft.softState();
    this.prevHardState = raft.hardState();
  }

  /** Advances the logical clock by one tick: elections and heartbeats are measured in ticks. */
  public void tick() {
    raft.tick();
  }

  /** Starts an election now (with a pre-vote round first if configured). */
  public void campaign() {
    raft.step(Message.newBuilder().setType(MessageType.MSG_HUP).setFrom(raft.id).build());
  }

  /**
   * Proposes data to be appended to the log. On a follower the proposal is forwarded to the leader
   * unless forwarding is disabled.
   *
   * @throws ProposalDroppedException if it cannot be accepted now
   */
  public void propose(byte[] data) {
    if (raft.state == StateRole.LEADER) {
      // The common case, without building a message: the entry is made with the term and
      // index it will have, so it is not copied again when appended.
      List<Entry> entries = new ArrayList<>(1);
      entries.add(
          Entry.newBuilder()
              .setTerm(raft.term)
              .setIndex(raft.raftLog.lastIndex() + 1)
              .setData(ByteString.copyFrom(data))
              .build());
      raft.leader.proposeEntries(entries, raft.id);
      return;
    }
    raft.step(
        Message.newBuilder()
            .setType(MessageType.MSG_PROPOSE)
            .setFrom(raft.id)
            .addEntries(Entry.newBuilder().setData(ByteString.copyFrom(data)))
            .build());
  }

  /**
   * Proposes several commands at once: one append, one round of messages (proposal batching). All
   * or none are accepted.
   *
   * @throws ProposalDroppedException if they cannot be accepted now
   */
  public void propose(List<byte[]> commands) {
    if (commands.isEmpty()) {
      return;
    }
    Message.Builder m = Message.newBuilder().setType(MessageType.MSG_PROPOSE).setFrom(raft.id);
    for (byte[] c : commands) {
      m.addEntries(Entry.newBuilder().setData(ByteString.copyFrom(c)));
    }
    raft.step(m.build());
  }

  /**
   * Proposes a configuration change. While another change is pending (appended, not applied) this
   * one is appended as an empty normal entry instead and has no effect.
   *
   * @throws InvalidConfChangeException if the change can never apply to this leader's config
   * @throws ProposalDroppedException if it cannot be accepted now
   */
  public void proposeConfChange(ConfChangeV2 cc) {
    proposeEntry(EntryType.ENTRY_CONF_CHANGE_V2, cc.toByteString());
  }

  /** Proposes a single-node configuration change in the v1 format. */
  public void proposeConfChange(ConfChange cc) {
    proposeEntry(EntryType.ENTRY_CONF_CHANGE, cc.toByteString());
  }

  private void proposeEntry(EntryType type, ByteString data) {
    raft.step(
        Message.newBuilder()
            .setType(MessageType.MSG_PROPOSE)
            .setFrom(raft.id)
            .addEntries(Entry.newBuilder().setType(type).setData(data))
            .build());
  }

  /**
   * Applies a committed configuration change (call it when applying its entry) and returns the
   * resulting configuration, to be stored with the applied state.
   *
   * @throws InvalidConfChangeException if it is invalid for the current configuration
   */
  public ConfState applyConfChange(ConfChangeV2 cc) {
    return raft.reconfiguration.apply(cc);
  }

  /** Applies a committed v1 configuration change. */
  public ConfState applyConfChange(ConfChange cc) {
    return raft.reconfiguration.apply(ConfChanges.toV2(cc));
  }

  /**
   * Steps a message received from a peer into the node.
   *
   * @throws InvalidMessageException for message types that only the node itself may create
   */
  public void step(Message m) {
    switch (m.getType()) {
      case MSG_HUP, MSG_BEAT, MSG_UNREACHABLE, MSG_SNAP_STATUS, MSG_CHECK_QUORUM ->
          throw new InvalidMessageException(
              "raft " + raft.id + ": cannot step local message type " + m.getType());
      case UNRECOGNIZED ->
          throw new InvalidMessageException(
              "raft " + raft.id + ": unknown message type " + m.getTypeValue());
      default -> {}
    }
    if (m.getType() == MessageType.MSG_APPEND) {
      for (int i = 0; i < m.getEntriesCount(); i++) {
        if (m.getEntries(i).getIndex() != m.getIndex() + 1 + i) {
          throw new InvalidMessageException(
              "raft "
                  + raft.id
                  + ": MsgApp from "
                  + m.getFrom()
                  + " after index "
                  + m.getIndex()
                  + " carries entry "
                  + i
                  + " with index "
                  + m.getEntries(i).getIndex());
        }
      }
    }
    if (isResponse(m.getType()) && raft.prs.get(m.getFrom()) == null) {
      log.debug("raft {} ignored {} from unknown peer {}", raft.id, m.getType(), m.getFrom());
      return;
    }
    raft.step(m);
  }

  private static boolean isResponse(MessageType t) {
    return t == MessageType.MSG_APPEND_RESPONSE
        || t == MessageType.MSG_REQUEST_VOTE_RESPONSE
        || t == MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE
        || t == MessageType.MSG_HEARTBEAT_RESPONSE;
  }

  /**
   * Requests a linearizable read point. The answer arrives as a {@link ReadState} with the same
   * context in a later Ready, once this node's leader has confirmed it still leads.
   *
   * @throws ProposalDroppedException if no leader is known to ask
   */
  public void readIndex(byte[] requestCtx) {
    readIndex(requestCtx, false);
  }

  /**
   * Like {@link #readIndex(byte[])}; with {@code lease} the leader answers from its lease, without
   * a heartbeat round, when it runs with check-quorum (otherwise it confirms the safe way). A lease
   * read relies on bounded clock drift between nodes, as {@link ReadOnlyOption#LEASE_BASED} does.
   *
   * @throws ProposalDroppedException if no leader is known to ask
   */
  public void readIndex(byte[] requestCtx, boolean lease) {
    raft.step(
        Message.newBuilder()
            .setType(MessageType.MSG_READ_INDEX)
            .addEntries(Entry.newBuilder().setData(ByteString.copyFrom(requestCtx)))
            .setLeaseRead(lease)
            .build());
  }

  /** Asks the leader to hand leadership to {@code transferee}. */
  public void transferLeader(long transferee) {
    raft.step(
        Message.newBuilder().setType(MessageType.MSG_TRANSFER_LEADER).setFrom(transferee).build());
  }

  /** Tells the leader that the last message to {@code id} could not be delivered. */
  public void reportUnreachable(long id) {
    raft.step(Message.newBuilder().setType(MessageType.MSG_UNREACHABLE).setFrom(id).build());
  }

  /** Tells the leader how sending a snapshot to {@code id} ended. */
  public void reportSnapshot(long id, SnapshotStatus status) {
    raft.step(
        Message.newBuilder()
            .setType(MessageType.MSG_SNAP_STATUS)
            .setFrom(id)
            .setReject(status == SnapshotStatus.FAILURE)
            .build());
  }

  /** Whether {@link #ready()} has anything to hand out. */
  public boolean hasReady() {
    // Compared field by field: hasReady runs on every loop pass and should not allocate.
    if (raft.lead != prevSoftState.leaderId() || raft.state != prevSoftState.role()) {
      return true;
    }
    long commit = raft.raftLog.committed();
    boolean hardStateEmpty = raft.term == 0 && raft.vote == 0 && commit == 0;
    if (!hardStateEmpty
        && (raft.term != prevHardState.getTerm()
            || raft.vote != prevHardState.getVote()
            || commit != prevHardState.getCommit())) {
      return true;
    }
    return raft.raftLog.unstableSnapshot() != null
        || raft.raftLog.hasUnstableEntries()
        || !raft.msgs.isEmpty()
        || !raft.readStates.isEmpty()
        || raft.raftLog.hasNextCommittedEntries();
  }

  /** What the application must do now; see {@link Ready} for the order. */
  public Ready ready() {
    raft.replication.flushBatchedAppends();
    List<Entry> entries = raft.raftLog.unstableEntries();
    List<Entry> committed = raft.raftLog.nextCommittedEntries();
    SoftState soft = raft.softState();
    Optional<SoftState> softChanged =
        soft.equals(prevSoftState) ? Optional.empty() : Optional.of(soft);
    HardState hs = raft.hardState();
    Optional<HardState> hardChanged = hs.equals(prevHardState) ? Optional.empty() : Optional.of(hs);
    Snapshot snap = raft.raftLog.unstableSnapshot();
    List<Message> messages = List.copyOf(raft.msgs);
    List<ReadState> readStates = List.copyOf(raft.readStates);
    boolean mustSync =
        !entries.isEmpty()
            || snap != null
            || hs.getTerm() != prevHardState.getTerm()
            || hs.getVote() != prevHardState.getVote();

    raft.msgs.clear();
    raft.readStates.clear();
    raft.raftLog.acceptUnstable();
    prevSoftState = soft;
    prevHardState = hs;
    if (!committed.isEmpty()) {
      raft.raftLog.acceptApplying(committed.get(committed.size() - 1).getIndex());
    }
    return new Ready(
        softChanged,
        hardChanged,
        readStates,
        entries,
        Optional.ofNullable(snap),
        committed,
        messages,
        mustSync);
  }

  /**
   * The application has done everything {@code rd} asked: its entries and snapshot are durable and
   * its committed entries applied.
   */
  public void advance(Ready rd) {
    if (!rd.entries().isEmpty()) {
      Entry last = rd.entries().get(rd.entries().size() - 1);
      raft.raftLog.stableTo(last.getIndex(), last.getTerm());
    }
    rd.snapshot().ifPresent(s -> raft.raftLog.stableSnapTo(s.getMetadata().getIndex()));
    long oldApplied = raft.raftLog.applied();
    long newApplied = markApplied(rd);
    raft.onPersisted();
    if (newApplied > 0) {
      raft.onApplied(oldApplied, newApplied);
    }
  }

  /**
   * Records the committed entries (or snapshot) of {@code rd} as applied (or handed to the
   * applier); returns the new applied index, or 0 if it did not move.
   */
  private long markApplied(Ready rd) {
    long newApplied = 0;
    if (!rd.committedEntries().isEmpty()) {
      newApplied = rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex();
      raft.reduceUncommittedSize(rd.committedEntries());
    } else if (rd.snapshot().isPresent()) {
      newApplied = rd.snapshot().get().getMetadata().getIndex();
    }
    if (newApplied > 0) {
      raft.raftLog.appliedTo(newApplied);
    }
    return newApplied;
  }

  /**
   * Asynchronous storage writes, part one: the application took {@code rd}, hands its committed
   * entries to the state machine, and writes its entries and hard state in the background (in the
   * order of the Readies) instead of before calling this. It may take the next Ready at once; each
   * entry is handed out once. When a write is durable, report it with {@link #onPersisted(long,
   * long)}; until then this node does not count its own copy of those entries toward a commit.
   *
   * <p>Of the Ready's messages only a leader's appends and heartbeats, in a Ready that changes
   * neither term nor vote, may go out before the write is durable; every other message (a
   * follower's answers, votes) only after it, in Ready order.
   *
   * @throws IllegalArgumentException if {@code rd} carries a snapshot: persist and apply that one
   *     synchronously, after the writes before it, and call {@link #advance(Ready)}
   */
  public void advanceAsync(Ready rd) {
    if (rd.snapshot().isPresent()) {
      throw new IllegalArgumentException(
          "raft " + raft.id + ": a Ready with a snapshot is advanced with advance(), once written");
    }
    long oldApplied = raft.raftLog.applied();
    long newApplied = markApplied(rd);
    if (newApplied > 0) {
      raft.onApplied(oldApplied, newApplied);
    }
  }

  /**
   * Asynchronous storage writes, part two: the entries up to {@code index} (whose entry has {@code
   * term}) are durable. Ignored when that entry has since been replaced (a newer leader overwrote
   * it while it was being written); the write of its replacement reports it later.
   */
  public void onPersisted(long index, long term) {
    if (raft.raftLog.stableTo(index, term)) {
      raft.onPersisted();
    }
  }

  /** A consistent view of this node. */
  public Status status() {
    Map<Long, Progress> progress = Map.of();
    if (raft.state == StateRole.LEADER) {
      Map<Long, Progress> p = new LinkedHashMap<>();
      for (Map.Entry<Long, PeerProgress> e : raft.prs.progress().entrySet()) {
        PeerProgress pr = e.getValue();
        p.put(e.getKey(), new Progress(pr.match(), pr.next(), pr.state()));
      }
      progress = Collections.unmodifiableMap(p);
    }
    return new Status(
        raft.id,
        raft.term,
        raft.vote,
        raft.raftLog.committed(),
        raft.raftLog.applied(),
        raft.state,
        raft.lead,
        progress,
        raft.prs.confState(),
        raft.raftLog.lastIndex(),
        raft.leadTransferee);
  }

  /** This node's id. */
  public long id() {
    return raft.id;
  }

  /** Whether proposals forwarded during a leadership transfer wait here for a leader (tests). */
  boolean holdsForwardedProposals() {
    return !raft.heldProposals.isEmpty();
  }
}
