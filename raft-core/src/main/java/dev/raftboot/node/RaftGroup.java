package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.core.InvalidConfChangeException;
import dev.raftboot.core.LogStorage;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.core.SnapshotTemporarilyUnavailableException;
import dev.raftboot.core.Status;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.storage.StorageException;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One Raft group running on real threads: its {@link RawNode} is driven by a serial loop on a
 * shared pool (never two threads at once, no locks in the core), ticked by a shared timer, and its
 * state machine is applied off the loop, on a pool of its own where the server gives one ({@link
 * RaftServer} does), so a slow state machine never delays heartbeats.
 *
 * <p>This class is the group's API and wires its parts together; the loop itself is {@link
 * GroupLoop}, what one Ready asks is done by {@link ReadyHandler}.
 */
public final class RaftGroup implements AutoCloseable {
  private final GroupOptions options;
  private final long nodeId;
  private final RawNode raw;
  private final GroupLoop loop;
  private final ScheduledExecutorService timer;
  private final Applier applier;
  private final Membership membership;
  private final LeadershipTracker leadership;
  private final OnDemandSnapshots onDemandSnapshots;
  private final GroupSnapshots snapshots;
  private final ReadyHandler readies;

  /**
   * Proposal ids start from the wall clock so that ids of a restarted node never match entries its
   * previous incarnation proposed (which it may replay from its log).
   */
  private final AtomicLong nextId = new AtomicLong(System.currentTimeMillis() << 20);

  private final ConcurrentHashMap<Long, CompletableFuture<Object>> proposals =
      new ConcurrentHashMap<>();
  private final GroupStats stats = new GroupStats();

  private final ReadBarriers reads;
  private final LeadershipTransfers transfers;
  private volatile Supplier<Map<Long, Duration>> peerUptimes = Map::of;

  /**
   * A group over {@code storage}; its state machine is restored from the storage's snapshot, if
   * any, and committed entries after it are applied again.
   */
  public RaftGroup(
      GroupOptions options,
      RaftConfig config,
      GroupStorage storage,
      StateMachine stateMachine,
      MessageSender sender,
      Executor pool,
      ScheduledExecutorService timer) {
    this(options, config, storage, stateMachine, sender, pool, pool, timer);
  }

  /**
   * As above, with the Raft loop on {@code loopPool} and the state machine (and leadership
   * listeners) on {@code applyPool}: a state machine that blocks then holds up no loop.
   */
  public RaftGroup(
      GroupOptions options,
      RaftConfig config,
      GroupStorage storage,
      StateMachine stateMachine,
      MessageSender sender,
      Executor loopPool,
      Executor applyPool,
      ScheduledExecutorService timer) {
    this.options = options;
    this.nodeId = config.id();
    this.timer = timer;
    SerialExecutor serial = new SerialExecutor(loopPool);
    this.membership = new Membership(this, options, timer);
    this.reads = new ReadBarriers(nodeId, membership.notLeaderFailures());
    this.transfers =
        new LeadershipTransfers(
            options.name(), options.proposalTimeout().toNanos(), membership.notLeaderFailures());
    SnapshotMetadata snap = latestSnapshot(storage, options.name());
    long snapIndex = snap.getIndex();
    this.onDemandSnapshots =
        new OnDemandSnapshots(storage.logStorage(), this::confState, this::snapshotForAFollower);
    this.snapshots =
        new GroupSnapshots(
            options.name(), storage, stats, options.keepEntries(), onDemandSnapshots);
    this.raw = openRawNode(config.toBuilder().applied(snapIndex).build(), onDemandSnapshots);
    Status status = raw.status();
    stats.logFirstIndex = storage.logStorage().firstIndex();
    stats.lastSnapshotIndex = snapIndex;
    this.applier =
        new Applier(
            options.name(),
            nodeId,
            stateMachine,
            applyPool,
            proposals,
            options.snapshotEvery(),
            options.snapshotEveryBytes(),
            options.sessions(),
            storage,
            snap.toBuilder().setConfState(status.confState()).build(),
            this::recordSnapshot);
    if (snapIndex > 0) {
      applier.restoreFromStorage(snap);
    }
    this.leadership = new LeadershipTracker(applyPool, applier::execute, stats, status.term());
    this.readies =
        new ReadyHandler(
            options.name(),
            raw,
            storage,
            sender,
            snapshots,
            applier,
            membership,
            reads,
            leadership,
            stats);
    this.loop =
        new GroupLoop(
            options.name(),
            serial,
            raw,
            new ProposalBatch(membership.notLeaderFailures()),
            reads,
            new Deadlines(options.name(), options.proposalTimeout().toNanos()),
            snapshots,
            readies,
            transfers,
            stats,
            proposals,
            config.electionTick(),
            this::failWaiting);
  }

  public String name() {
    return options.name();
  }

  /** Starts ticking. */
  public void start() {
    loop.start(options.tickInterval(), timer);
  }

  /** Steps messages received from peers. */
  public void receive(List<Message> messages) {
    loop.receive(messages);
  }

  /** Steps a MSG_SNAPSHOT whose image arrived whole (see {@link GroupLoop#receiveSnapshot}). */
  void receiveSnapshot(Message message, SnapshotImage image) {
    loop.receiveSnapshot(message, image);
  }

  /** Where the transport writes an image of this group arriving from the leader. */
  SnapshotWriter openIncomingSnapshot(SnapshotMetadata metadata) throws IOException {
    return snapshots.openIncoming(metadata);
  }

  /** The image of this group's snapshot at {@code metadata}, for the transport to send. */
  InputStream openOutgoingSnapshot(SnapshotMetadata metadata) throws IOException {
    return snapshots.openOutgoing(metadata);
  }

  /**
   * Proposes a command. Completes with the state machine's result once this node has applied it;
   * fails with {@link NotLeaderException} when no leader can take it, {@link
   * dev.raftboot.core.ProposalDroppedException} when this node leads and refused it (its
   * uncommitted log over the limit), {@link ProposalTimeoutException} when no answer came in time
   * (outcome unknown), or {@link GroupClosedException} ({@link GroupFailedException} after a failed
   * log write: outcome unknown).
   */
  public CompletableFuture<Object> propose(byte[] command) {
    long id = nextId.incrementAndGet();
    return submit(
        id, ProposalEnvelope.command(nodeId, id, System.currentTimeMillis(), command).encode());
  }

  /**
   * Proposes a command of a client session, applied at most once: if {@code request} (same client,
   * same sequence) was applied before — proposed on any node, in any term — the future completes
   * with the result of that first application and the state machine is not called again. Retry a
   * request that failed with {@link ProposalTimeoutException}, {@link NotLeaderException} or {@link
   * GroupClosedException} with the same {@code request}, here or on another node.
   *
   * <p>Results are remembered in memory as returned. A snapshot carries results that are null,
   * {@code byte[]}, {@code String}, {@code Boolean}, {@code Long} or {@code Integer}; any other
   * result, and a failure of {@code apply}, is answered after a restart (or on a node that caught
   * up from a snapshot) with {@link ResultUnavailableException} — applied once, result not kept.
   *
   * <p>Fails, without applying, with {@link SessionExpiredException} when the session is unknown
   * and with {@link StaleRequestException} when the request is as old as requests whose outcomes
   * the session table dropped (it keeps the latest {@link SessionPolicy#resultsPerClient()}), so
   * whether it applied cannot be told; otherwise as {@link #propose(byte[])}. Requests may apply
   * out of order: one overtaken by a later request (pipelined, lost in a leader change) applies
   * once when retried.
   */
  public CompletableFuture<Object> propose(byte[] command, ClientRequest request) {
    long id = nextId.incrementAndGet();
    return submit(
        id,
        ProposalEnvelope.sessionCommand(nodeId, id, System.currentTimeMillis(), request, command)
            .encode());
  }

  /**
   * Opens a client session through the log; completes once it is applied here. Its id is the log
   * index of the opening entry, the same on every node. Fails as {@link #propose(byte[])}.
   */
  public CompletableFuture<ClientSession> openSession() {
    long id = nextId.incrementAndGet();
    return submit(id, ProposalEnvelope.openSession(nodeId, id, System.currentTimeMillis()).encode())
        .thenApply(index -> ClientSession.opened((Long) index));
  }

  private CompletableFuture<Object> submit(long id, byte[] data) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    long started = System.nanoTime();
    stats.proposals.increment();
    f.whenComplete(
        (result, failure) -> {
          if (failure == null) {
            stats.proposalLatencyNanos.accept(System.nanoTime() - started);
          } else {
            stats.proposalsFailed.increment();
          }
        });
    loop.propose(id, data, f, started);
    return callersCopy(f);
  }

  /**
   * What a caller gets: a copy, so that only the runtime completes the future it keeps. A caller
   * that cancels or times out its own ({@code orTimeout}) leaves the runtime's pending until
   * answered or expired, and its bookkeeping is dropped either way ({@link Deadlines} takes a done
   * future for an answered one).
   */
  private static <T> CompletableFuture<T> callersCopy(CompletableFuture<T> f) {
    return f.copy();
  }

  /**
   * Completes once this node's state machine reflects every write committed before the call
   * (ReadIndex, thesis §6.4): a read of local state after it is linearizable. Works on followers
   * and learners too.
   */
  public CompletableFuture<Void> linearizableBarrier() {
    return readBarrier(false);
  }

  /**
   * Like {@link #linearizableBarrier()}, but the leader answers from its lease instead of
   * confirming its leadership with a heartbeat round: cheaper, and still linearizable as long as
   * clocks drift less than the election timeout allows. Needs check-quorum on the group (without it
   * the read is confirmed the safe way).
   */
  public CompletableFuture<Void> leaseBarrier() {
    return readBarrier(true);
  }

  private CompletableFuture<Void> readBarrier(boolean lease) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    long id = nextId.incrementAndGet();
    long started = System.nanoTime();
    loop.read(id, lease, f, started);
    return callersCopy(f);
  }

  /** Proposes a membership change; completes with the new configuration once applied here. */
  public CompletableFuture<ConfState> changeMembership(ConfChangeV2 change) {
    return changeMembership(change, Map.of());
  }

  /**
   * Proposes a membership change whose context carries the {@code addresses} of the nodes it adds,
   * so that every server reaches them once it applies the change.
   */
  CompletableFuture<ConfState> changeMembership(
      ConfChangeV2 change, Map<Long, PeerAddress> addresses) {
    CompletableFuture<ConfState> f = new CompletableFuture<>();
    long id = nextId.incrementAndGet();
    long started = System.nanoTime();
    byte[] context =
        ProposalEnvelope.command(
                nodeId, id, System.currentTimeMillis(), MemberAddresses.encode(addresses))
            .encode();
    ConfChangeV2 cc = change.toBuilder().setContext(ByteString.copyFrom(context)).build();
    loop.withDeadline(
        id,
        f,
        () -> membership.forget(id, f),
        started,
        () -> {
          if (membership.propose(raw, id, cc, f)) {
            loop.requestFlush();
          }
        });
    return callersCopy(f);
  }

  /**
   * Adds {@code id} as a learner without a join check; its address must already be known to every
   * server (configured peers). Prefer {@link #addLearner(long, PeerAddress)}.
   */
  public CompletableFuture<ConfState> addLearner(long id) {
    return changeMembership(Membership.single(ConfChangeType.ADD_LEARNER_NODE, id));
  }

  /**
   * Adds node {@code id}, listening at {@code address}, as a learner. Fails with {@link
   * JoinRejectedException} (nothing proposed) when the id was removed from the group before, or the
   * node at the address has another cluster id or node id, or does not host the group, or does not
   * answer. Every server learns the address when it applies the change.
   */
  public CompletableFuture<ConfState> addLearner(long id, PeerAddress address) {
    return membership.addLearner(id, address);
  }

  /**
   * Promotes learner {@code id} to voter once it holds every entry committed when this is called,
   * waiting for that up to the proposal timeout. Must be called on the leader. Fails with {@link
   * LearnerNotCaughtUpException} (nothing proposed) when the learner did not catch up in time,
   * {@link NotLeaderException} on another node, {@link InvalidConfChangeException} when {@code id}
   * is not a learner.
   */
  public CompletableFuture<ConfState> promote(long id) {
    return membership.promote(id);
  }

  /**
   * Replaces voter {@code oldId} by node {@code newId} at {@code address}: adds it as a learner
   * (with the join check), waits until it has caught up, then swaps the two voters in one joint
   * change. Completes with the final configuration once the group has left the joint config. Must
   * be called on the leader; fails like {@link #addLearner(long, PeerAddress)} and {@link
   * #promote}.
   */
  public CompletableFuture<ConfState> replace(long oldId, long newId, PeerAddress address) {
    return membership.replace(oldId, newId, address);
  }

  /** Removes {@code id} from the group; its id can never join the group again. */
  public CompletableFuture<ConfState> removeMember(long id) {
    return membership.remove(id);
  }

  /** Routes membership bookkeeping (addresses, removed ids, join checks) to a server's registry. */
  void useMemberRegistry(MemberRegistry registry) {
    membership.useRegistry(registry);
  }

  /** Where a graceful hand-off learns how long each peer has been connected. */
  void usePeerUptimes(Supplier<Map<Long, Duration>> uptimes) {
    this.peerUptimes = uptimes;
  }

  /** How long the connection to each connected peer has been up; empty when not known. */
  Map<Long, Duration> peerUptimes() {
    return peerUptimes.get();
  }

  /** Starts an election now instead of waiting for the election timeout. */
  public void campaign() {
    loop.onLoopThenFlush(
        () -> {
          // Handle what is pending first: a new group learns its members from the committed
          // bootstrap entries of its first Ready, and cannot campaign before.
          loop.flushAll();
          raw.campaign();
        });
  }

  /**
   * Hands leadership to voter {@code transferee}: the leader brings it up to date, then tells it to
   * campaign at once (asked on a follower, the request is forwarded to the leader). Completes once
   * this node knows {@code transferee} as the leader (at once if it already is); fails with {@link
   * NotLeaderException} when no leader is known, {@link IllegalArgumentException} for a node that
   * is not a voter, and {@link LeadershipTransferException} when the transfer does not happen (the
   * target did not take over within an election timeout, another node leads instead, or nothing was
   * decided within the proposal timeout).
   */
  public CompletableFuture<Void> transferLeadership(long transferee) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    loop.onLoopUnlessClosed(
        f,
        () -> {
          transfers.request(raw, transferee, f, System.nanoTime());
          loop.requestFlush();
        });
    return callersCopy(f);
  }

  /** The transport lost messages to {@code peer}: replication to it falls back to probing. */
  public void reportUnreachable(long peer) {
    loop.onLoopThenFlush(() -> raw.reportUnreachable(peer));
  }

  /** How sending a snapshot to {@code peer} ended. */
  public void reportSnapshot(long peer, SnapshotStatus outcome) {
    loop.onLoopThenFlush(() -> raw.reportSnapshot(peer, outcome));
  }

  /**
   * Registers a listener of this node's leadership. One added while this node leads is told so at
   * once (after the entry that granted it is applied), so it never misses a leadership that began
   * before it was added; each listener hears of a term's grant once.
   */
  public void addListener(LeadershipListener listener) {
    leadership.addListener(listener);
  }

  /** A recent view of the node (updated after every loop pass). */
  public Status status() {
    return loop.status();
  }

  /**
   * Why this group stopped on its own, if it did: its log write failed, and it takes no further
   * part until its server restarts (see {@link GroupFailedException}). Empty while it runs or after
   * a plain close.
   */
  public Optional<RuntimeException> failure() {
    return loop.failure();
  }

  public boolean isLeader() {
    return leadership.fencingToken() != null;
  }

  /** The token of this node's current leadership, once granted; empty when not leading. */
  public Optional<FencingToken> fencingToken() {
    return Optional.ofNullable(leadership.fencingToken());
  }

  /** Proposals made here still waiting for their entry to apply (for tests). */
  int pendingProposals() {
    return proposals.size();
  }

  /** Counters of this group, for monitoring. */
  public GroupStats stats() {
    return stats;
  }

  /**
   * Snapshots the state machine now (once everything committed so far is applied) instead of
   * waiting for the policy, then compacts the log behind it; an operator's tool before a backup or
   * to shrink the log. Completes with the index of the latest snapshot.
   */
  public CompletableFuture<Long> takeSnapshot() {
    return applier.snapshotNow();
  }

  /** The index this node's state machine has applied. */
  public long appliedIndex() {
    return applier.appliedIndex();
  }

  /**
   * Stops the group gracefully: a leader first hands leadership to a caught-up voter (the one
   * connected longest, see {@link #handOffLeadership}) and waits (up to {@code grace}) until it has
   * stepped down, so the group elects no new leader by timeout and writes pause only for the
   * hand-off. Proposals still waiting here then get until the end of {@code grace} to apply. Then
   * {@link #close()}.
   */
  public void close(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    handOffLeadership(grace);
    awaitProposals(deadline);
    close();
  }

  /**
   * Waits, until {@code deadlineNanos}, for the proposals made here to apply: those made before a
   * hand-off commit under the new leader, and are better answered than failed on close.
   */
  void awaitProposals(long deadlineNanos) {
    while (!proposals.isEmpty() && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  /** Asks for a hand-off if this node leads (see {@link #handOffLeadership}); does not wait. */
  boolean startHandOff() {
    return LeadershipTracker.startHandOff(this, nodeId);
  }

  /** Waits, until {@code deadlineNanos}, for a hand-off asked for to complete. */
  void awaitHandOff(long deadlineNanos) {
    LeadershipTracker.awaitHandOff(this, nodeId, deadlineNanos);
  }

  /**
   * If this node leads, hands leadership to a voter and waits (up to {@code grace}) until it has
   * stepped down; the group keeps running as a follower. Used before a shutdown, while the node can
   * still talk to its peers.
   *
   * <p>The voter: among those the log streams to (replicating, within a round trip of the leader),
   * the one whose connection has been up longest, then the most caught up; a node back moments ago
   * (restarted, or out of a partition) is still cold or catching up and would lengthen the pause.
   *
   * @return whether this node is no longer the leader
   */
  public boolean handOffLeadership(Duration grace) {
    return LeadershipTracker.handOff(this, nodeId, grace);
  }

  /** Stops the group; operations still waiting fail with {@link GroupClosedException}. */
  @Override
  public void close() {
    loop.close();
  }

  /** On the loop, as the group closes or fails: everything still waiting fails with {@code e}. */
  private void failWaiting(GroupClosedException e) {
    proposals.values().forEach(f -> f.completeExceptionally(e));
    proposals.clear();
    reads.failAll(e);
    transfers.failAll(e);
    membership.failPending(e);
    applier.failWaiting(e);
    leadership.closed();
  }

  /**
   * The snapshot the group starts from. Its image must be there: the log behind it is compacted, so
   * without the image the state cannot be rebuilt, and the node must not start on this data.
   */
  private static SnapshotMetadata latestSnapshot(GroupStorage storage, String group) {
    try {
      return storage.logStorage().snapshot(0).getMetadata();
    } catch (SnapshotTemporarilyUnavailableException e) {
      throw new StorageException(
          "group '"
              + group
              + "' cannot start: "
              + e.getMessage()
              + ". The log behind that snapshot is compacted, so this node's state is lost: wipe"
              + " its data directory and let it rejoin (remove it from the group and add it back)",
          e);
    }
  }

  /**
   * The consensus module over this group's stored state. State the module cannot start from (a
   * stored commit index beyond the log's end: the log was truncated or lost) is reported as the
   * group's storage failure, naming the group.
   */
  private RawNode openRawNode(RaftConfig config, LogStorage storage) {
    try {
      return new RawNode(config, storage);
    } catch (IllegalStateException e) {
      throw new StorageException(
          "group '" + options.name() + "' cannot start from its stored state: " + e.getMessage(),
          e);
    }
  }

  /** The configuration as of the last Ready handled (for snapshots made for a follower). */
  private ConfState confState() {
    return readies.confState();
  }

  private void snapshotForAFollower() {
    applier.snapshotNow();
  }

  private void recordSnapshot(Applier.TakenSnapshot taken) {
    loop.onLoop(() -> snapshots.record(taken));
  }
}
