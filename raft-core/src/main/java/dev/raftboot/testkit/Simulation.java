package dev.raftboot.testkit;

import com.google.protobuf.ByteString;
import dev.raftboot.core.InvalidConfChangeException;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Status;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.linearizability.CheckResult;
import dev.raftboot.testkit.linearizability.History;
import dev.raftboot.testkit.linearizability.LinearizabilityChecker;
import dev.raftboot.testkit.linearizability.Model;
import dev.raftboot.testkit.linearizability.SearchLimits;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic simulation of a whole Raft cluster: {@link RawNode}s with in-memory storage, a
 * network that loses, duplicates, reorders and partitions, crashes and restarts, clients that write
 * and read, membership changes, leadership transfers and compaction. Every choice comes from one
 * seeded random source, so a seed replays exactly. After every step the safety invariants are
 * checked; at the end the cluster must recover once faults stop, and the clients' history must be
 * linearizable.
 *
 * <pre>{@code
 * SimulationResult r = Simulation.run(SimulationOptions.builder(seed).build(), new KvWorkload());
 * }</pre>
 *
 * @param <I> operation inputs of the workload
 * @param <O> operation outputs of the workload
 */
public final class Simulation<I, O> {
  private final SimulationOptions options;
  private final Workload<I, O> workload;
  private final SplittableRandom random;
  private final InvariantChecker checker = new InvariantChecker();
  private final List<String> trace = new ArrayList<>();

  private final ClientHistory<I, O> clients;
  private final SimCluster<I> cluster;
  private long step;
  private long nextOpId;
  private final SimReadyHandler<I, O> ready;

  private Simulation(SimulationOptions options, Workload<I, O> workload) {
    this.options = options;
    this.workload = workload;
    this.random = new SplittableRandom(options.seed());
    this.clients = new ClientHistory<>(workload, options.clients());
    SimNetwork network = new SimNetwork();
    this.cluster =
        new SimCluster<>(network, random, workload, checker, clients::giveUp, this::trace);
    this.ready =
        new SimReadyHandler<>(
            workload,
            checker,
            network,
            clients,
            this::trace,
            this::check,
            options.asyncStorageWrites());
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id = 1; id <= options.voters(); id++) {
      cs.addVoters(id);
    }
    for (long id = options.voters() + 1; id <= options.voters() + options.learners(); id++) {
      cs.addLearners(id);
    }
    ConfState initial = cs.build();
    for (long id = 1; id <= options.voters() + options.learners(); id++) {
      RaftConfig config =
          options.raftConfig().toBuilder()
              .id(id)
              .randomSeed(options.seed() * 31 + id)
              .applied(0)
              .build();
      cluster.add(new SimNode<>(id, config, new MemoryLogStorage(initial)));
    }
  }

  /**
   * Runs one simulation.
   *
   * @throws SimulationFailure if an invariant breaks, the cluster does not recover, or the history
   *     is not linearizable
   */
  public static <I, O> SimulationResult run(SimulationOptions options, Workload<I, O> workload) {
    return new Simulation<>(options, workload).run();
  }

  private SimulationResult run() {
    for (step = 1; step <= options.steps(); step++) {
      expireClients();
      SimAction action = options.weights().pick(random);
      perform(action);
      checkAfterStep();
    }
    recover();
    for (SimNode<I> n : cluster.nodes()) {
      n.allWaiting().forEach(clients::giveUp);
      n.clearWaiting();
    }
    History<I, O> history = clients.settle();
    if (options.checkLinearizability()) {
      checkHistory(history);
    }
    int completed = 0;
    for (var op : history.operations()) {
      if (!op.ambiguous()) {
        completed++;
      }
    }
    return new SimulationResult(
        options.seed(),
        step,
        checker.highestCommitted(),
        checker.terms(),
        history.size(),
        completed,
        cluster.crashes(),
        ready.snapshotsInstalled(),
        ready.confChangesApplied());
  }

  @SuppressWarnings("unchecked")
  private void checkHistory(History<I, O> history) {
    Model<Object, I, O> model = (Model<Object, I, O>) workload.model();
    // Every operation is settled before the check (see ClientHistory.settle), so the search stays
    // small; the bound only turns a pathological history into a clear failure, not a hang.
    CheckResult<I, O> result =
        LinearizabilityChecker.check(model, history, SearchLimits.ofMaxSteps(50_000_000));
    if (!result.isLinearizable()) {
      fail("history is not linearizable (" + result.verdict() + "):\n" + result.describe());
    }
  }

  // ---------------------------------------------------------------- actions

  private void perform(SimAction action) {
    switch (action) {
      case TICK -> {
        if (!options.leaseReads()) {
          cluster.randomUpNode().ifPresent(n -> record("tick " + n.id, () -> n.raw.tick()));
        } else if (random.nextInt(cluster.nodes().size()) == 0) {
          record("tick every node", cluster::tickEveryNode);
        }
      }
      case DELIVER -> cluster.deliver(random.nextInt(10) < 8);
      case DELIVER_ALL -> {
        for (int n = cluster.inFlight(); n > 0; n--) {
          cluster.deliver(true);
        }
      }
      case READY_ALL -> {
        for (SimNode<I> n : cluster.nodes()) {
          if (n.up() && n.raw.hasReady()) {
            ready.process(n);
          }
        }
      }
      case DROP -> cluster.drop();
      case DUPLICATE -> cluster.duplicate();
      case READY -> {
        List<SimNode<I>> ready = new ArrayList<>();
        for (SimNode<I> n : cluster.nodes()) {
          if (n.up() && n.raw.hasReady()) {
            ready.add(n);
          }
        }
        if (!ready.isEmpty()) {
          this.ready.process(ready.get(random.nextInt(ready.size())));
        }
      }
      case PERSIST -> {
        List<SimNode<I>> writing = new ArrayList<>();
        for (SimNode<I> n : cluster.nodes()) {
          if (n.up() && ready.hasPendingWrites(n)) {
            writing.add(n);
          }
        }
        if (!writing.isEmpty()) {
          ready.persistOldest(writing.get(random.nextInt(writing.size())));
        }
      }
      case CRASH -> cluster.randomUpNode().ifPresent(cluster::crash);
      case RESTART -> cluster.restartOne();
      case PARTITION -> cluster.partition();
      case ISOLATE_LEADER -> cluster.leader().ifPresent(cluster::isolate);
      case PARTITION_ONE_WAY -> cluster.cutOneWay();
      case HEAL -> cluster.heal();
      case PROPOSE, READ -> cluster.randomUpNode().ifPresent(this::clientOperation);
      case CONF_CHANGE -> cluster.leader().ifPresent(this::changeMembership);
      case TRANSFER -> cluster.leader().ifPresent(this::transfer);
      case COMPACT -> cluster.randomUpNode().ifPresent(this::compact);
    }
  }

  private void record(String what, Runnable r) {
    trace(what);
    r.run();
  }

  private void trace(String line) {
    trace.add(step + ": " + line);
  }

  private void clientOperation(SimNode<I> n) {
    int client = clients.idleClient(random);
    if (client < 0) {
      return;
    }
    I input = workload.nextOperation(random);
    long opId = ++nextOpId;
    SimNode.Waiting<I> w = new SimNode.Waiting<>(opId, client, input, clients.now());
    clients.started(w, n.id, step + options.clientTimeoutSteps());
    try {
      if (workload.isRead(input)) {
        ByteString ctx = ByteString.copyFrom(ByteBuffer.allocate(8).putLong(opId).array());
        trace("read #" + opId + " " + input + " at " + n.id);
        n.waitingReads.put(ctx, w);
        n.raw.readIndex(ctx.toByteArray(), options.leaseReads());
      } else {
        trace("propose #" + opId + " " + input + " at " + n.id);
        n.waitingWrites.put(opId, w);
        n.raw.propose(DedupStateMachine.wrap(opId, workload.encode(input)));
      }
    } catch (ProposalDroppedException e) {
      trace("  dropped: " + e.getMessage());
      n.waitingWrites.remove(opId);
      n.waitingReads.values().remove(w);
      clients.release(w);
    }
  }

  /** Clients that waited too long give up; what their operation did is settled at the end. */
  private void expireClients() {
    for (ClientHistory.Expired<I> e : clients.expire(step)) {
      SimNode<I> n = cluster.node(e.node());
      SimNode.Waiting<I> w = e.op();
      n.waitingWrites.remove(w.opId());
      n.waitingReads.values().remove(w);
      n.confirmedReads.removeIf(r -> r.op() == w);
      trace("client " + w.client() + " gives up on #" + w.opId());
    }
  }

  private void changeMembership(SimNode<I> leader) {
    ConfState cs = leader.raw.status().confState();
    ConfChangeV2 cc = MembershipChanges.next(cs, options.minVoters(), random);
    if (cc == null) {
      return;
    }
    trace("conf change at " + leader.id + ": " + MembershipChanges.describe(cc));
    try {
      leader.raw.proposeConfChange(cc);
    } catch (InvalidConfChangeException | ProposalDroppedException e) {
      trace("  refused: " + e.getMessage());
    }
  }

  private void transfer(SimNode<I> leader) {
    List<Long> voters = leader.raw.status().confState().getVotersList();
    long target = voters.get(random.nextInt(voters.size()));
    trace("transfer leadership " + leader.id + " -> " + target);
    leader.raw.transferLeader(target);
  }

  private void compact(SimNode<I> n) {
    long applied = n.appliedIndex;
    if (applied <= n.storage.snapshot(0).getMetadata().getIndex()) {
      return;
    }
    if (applied > n.storage.lastIndex() || applied > n.storage.hardState().getCommit()) {
      // Asynchronous writes: entries applied ahead of the local write that stores them or their
      // commit index (they are durable on a quorum). A snapshot waits for that write, or a
      // restart would find its stored commit index behind its snapshot.
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    n.stateMachine.snapshot(out);
    n.storage.createSnapshot(applied, n.confState, out.toByteArray());
    // Keep a few entries behind the snapshot now and then, so both paths (entries and
    // snapshot) serve lagging followers.
    long compactTo = Math.max(n.storage.firstIndex(), applied - random.nextInt(3));
    if (compactTo > n.storage.firstIndex() - 1) {
      n.storage.compact(compactTo);
    }
    trace("compact " + n.id + " snapshot@" + applied + " firstIndex=" + compactTo);
  }

  // ---------------------------------------------------------------- recovery (liveness)

  /**
   * Stops all faults, restarts every node, and requires that within the liveness bound a leader is
   * elected and a new write commits and is applied by every member.
   */
  private void recover() {
    trace("faults stop: heal, restart all");
    cluster.stopFaults();
    long probeIndex = 0;
    long probeTerm = 0;
    for (int tick = 0; tick < options.livenessTicks(); tick++) {
      for (SimNode<I> n : cluster.nodes()) {
        n.raw.tick();
      }
      quiesce();
      checkAfterStep();
      step++;
      SimNode<I> leader = cluster.leader().orElse(null);
      if (leader == null) {
        continue;
      }
      Status st = leader.raw.status();
      if (probeIndex == 0 || st.term() != probeTerm) {
        // A probe proposed under an earlier leader may have been lost with its leadership.
        probeIndex = proposeProbe(leader);
        probeTerm = st.term();
        continue;
      }
      boolean allApplied = true;
      for (long id : SimCluster.members(st.confState())) {
        SimNode<I> m = cluster.node(id);
        if (m != null && m.appliedIndex < probeIndex) {
          allApplied = false;
        }
      }
      if (allApplied) {
        return;
      }
    }
    fail(
        "liveness: no leader committed and replicated a write within "
            + options.livenessTicks()
            + " ticks after faults stopped");
  }

  /** Proposes a write on the leader; returns its log index, or 0 if it was dropped. */
  private long proposeProbe(SimNode<I> leader) {
    I input = workload.nextOperation(random);
    for (int i = 0; i < 100 && workload.isRead(input); i++) {
      input = workload.nextOperation(random);
    }
    long opId = ++nextOpId;
    long invokedAt = clients.now();
    trace("liveness probe #" + opId + " " + input + " at " + leader.id);
    try {
      leader.waitingWrites.put(opId, new SimNode.Waiting<>(opId, -1, input, invokedAt));
      leader.raw.propose(DedupStateMachine.wrap(opId, workload.encode(input)));
      return leader.raw.status().lastIndex();
    } catch (ProposalDroppedException e) {
      leader.waitingWrites.remove(opId);
      return 0;
    }
  }

  /** Processes every Ready and delivers every message until the cluster is quiet (bounded). */
  private void quiesce() {
    for (int round = 0; round < 10_000; round++) {
      boolean busy = false;
      for (SimNode<I> n : cluster.nodes()) {
        if (n.up() && n.raw.hasReady()) {
          ready.process(n);
          busy = true;
        }
        while (n.up() && ready.hasPendingWrites(n)) {
          ready.persistOldest(n);
          busy = true;
        }
      }
      while (!cluster.quiet()) {
        cluster.deliver(true);
        busy = true;
      }
      if (!busy) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------- checks and helpers

  private void checkAfterStep() {
    for (SimNode<I> n : cluster.nodes()) {
      if (n.up()) {
        check(checker.onStatus(n.raw.status()));
      }
    }
    if (step % options.fullCheckInterval() == 0) {
      List<SimNode<I>> all = new ArrayList<>(cluster.nodes());
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          check(
              InvariantChecker.checkLogMatching(
                  all.get(i).id, all.get(i).storage, all.get(j).id, all.get(j).storage));
        }
      }
    }
  }

  private void check(String violation) {
    if (violation != null) {
      fail(violation);
    }
  }

  private void fail(String problem) {
    throw new SimulationFailure(problem, options.seed(), step, trace);
  }
}
