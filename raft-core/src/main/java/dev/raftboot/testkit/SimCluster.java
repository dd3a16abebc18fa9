package dev.raftboot.testkit;

import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The nodes and the network of a {@link Simulation}, and the faults that strike them: messages
 * delivered, lost, duplicated; partitions; crashes and restarts. Every choice is drawn from the
 * simulation's one random source, in the order the simulation asks, so a seed replays exactly.
 *
 * @param <I> operation inputs of the workload
 */
final class SimCluster<I> {
  private final TreeMap<Long, SimNode<I>> nodes = new TreeMap<>();
  private final SimNetwork network;
  private final SplittableRandom random;
  private final Workload<I, ?> workload;
  private final InvariantChecker checker;
  private final Consumer<SimNode.Waiting<I>> giveUp;
  private final Consumer<String> trace;
  private int crashes;

  SimCluster(
      SimNetwork network,
      SplittableRandom random,
      Workload<I, ?> workload,
      InvariantChecker checker,
      Consumer<SimNode.Waiting<I>> giveUp,
      Consumer<String> trace) {
    this.network = network;
    this.random = random;
    this.workload = workload;
    this.checker = checker;
    this.giveUp = giveUp;
    this.trace = trace;
  }

  /** Adds {@code n} and starts it from its storage. */
  void add(SimNode<I> n) {
    nodes.put(n.id, n);
    start(n);
  }

  Collection<SimNode<I>> nodes() {
    return nodes.values();
  }

  SimNode<I> node(long id) {
    return nodes.get(id);
  }

  int crashes() {
    return crashes;
  }

  // ---------------------------------------------------------------- nodes

  void crash(SimNode<I> n) {
    trace.accept("crash " + n.id);
    crashes++;
    n.allWaiting().forEach(giveUp);
    n.clearWaiting();
    n.clearVolatile();
    n.raw = null;
    n.stateMachine = null;
  }

  /** Starts a node from its storage, as a process does after a crash. */
  void start(SimNode<I> n) {
    Snapshot snap = n.storage.snapshot(0);
    // The state machine restarts from the snapshot, which may be newer than the compaction
    // point: tell the node where applying resumes.
    n.raw =
        new RawNode(n.config.toBuilder().applied(snap.getMetadata().getIndex()).build(), n.storage);
    n.stateMachine = new DedupStateMachine(workload.newStateMachine());
    n.appliedIndex = snap.getMetadata().getIndex();
    n.confState = snap.getMetadata().getConfState();
    if (n.appliedIndex > 0) {
      n.stateMachine.restore(new ByteArrayInputStream(snap.getData().toByteArray()));
    }
    checker.onRestart(n.id, n.appliedIndex);
  }

  /** Restarts a random node that is down, if any. */
  void restartOne() {
    List<SimNode<I>> down = new ArrayList<>();
    for (SimNode<I> n : nodes.values()) {
      if (!n.up()) {
        down.add(n);
      }
    }
    if (!down.isEmpty()) {
      SimNode<I> n = down.get(random.nextInt(down.size()));
      trace.accept("restart " + n.id);
      start(n);
    }
  }

  /** Ends every fault: the network heals and every node that is down restarts. */
  void stopFaults() {
    network.heal();
    for (SimNode<I> n : nodes.values()) {
      if (!n.up()) {
        start(n);
      }
    }
  }

  void tickEveryNode() {
    for (SimNode<I> n : nodes.values()) {
      if (n.up()) {
        n.raw.tick();
      }
    }
  }

  Optional<SimNode<I>> randomUpNode() {
    List<SimNode<I>> up = new ArrayList<>();
    for (SimNode<I> n : nodes.values()) {
      if (n.up()) {
        up.add(n);
      }
    }
    return up.isEmpty() ? Optional.empty() : Optional.of(up.get(random.nextInt(up.size())));
  }

  /** The up node that leads the highest term, if any. */
  Optional<SimNode<I>> leader() {
    SimNode<I> best = null;
    long bestTerm = -1;
    for (SimNode<I> n : nodes.values()) {
      if (n.up()) {
        Status st = n.raw.status();
        if (st.role() == StateRole.LEADER && st.term() > bestTerm) {
          best = n;
          bestTerm = st.term();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  static List<Long> members(ConfState cs) {
    List<Long> ids = new ArrayList<>(cs.getVotersList());
    ids.addAll(cs.getLearnersList());
    ids.addAll(cs.getVotersOutgoingList());
    return ids;
  }

  // ---------------------------------------------------------------- the network

  boolean quiet() {
    return network.isEmpty();
  }

  int inFlight() {
    return network.size();
  }

  void deliver(boolean oldest) {
    Message m = oldest ? network.removeOldest() : network.removeRandom(random);
    if (m == null) {
      return;
    }
    SimNode<I> target = nodes.get(m.getTo());
    if (target == null || !target.up() || network.blocked(m.getFrom(), m.getTo())) {
      trace.accept("lost " + TraceFormat.message(m));
      reportLoss(m);
      return;
    }
    trace.accept("deliver " + TraceFormat.message(m));
    try {
      target.raw.step(m);
    } catch (ProposalDroppedException e) {
      // A forwarded proposal or read the receiver could not take: lost, as on a network.
      trace.accept("  dropped at " + target.id + ": " + e.getMessage());
    }
    if (m.getType() == MessageType.MSG_SNAPSHOT) {
      SimNode<I> sender = nodes.get(m.getFrom());
      if (sender.up()) {
        sender.raw.reportSnapshot(m.getTo(), SnapshotStatus.FINISH);
      }
    }
  }

  void drop() {
    Message m = network.removeRandom(random);
    if (m != null) {
      trace.accept("drop " + TraceFormat.message(m));
      reportLoss(m);
    }
  }

  void duplicate() {
    Message m = network.duplicateRandom(random);
    if (m != null) {
      trace.accept("duplicate " + TraceFormat.message(m));
    }
  }

  /**
   * A transport learns of some losses (a broken stream, a failed snapshot upload) and tells the
   * sender, as the Ready contract asks. A failed snapshot is always reported; a lost append
   * sometimes, since a real transport notices only some losses.
   */
  private void reportLoss(Message m) {
    SimNode<I> sender = nodes.get(m.getFrom());
    if (sender == null || !sender.up()) {
      return;
    }
    if (m.getType() == MessageType.MSG_SNAPSHOT) {
      sender.raw.reportSnapshot(m.getTo(), SnapshotStatus.FAILURE);
    } else if (m.getType() == MessageType.MSG_APPEND && random.nextBoolean()) {
      sender.raw.reportUnreachable(m.getTo());
    }
  }

  void partition() {
    List<Long> ids = new ArrayList<>(nodes.keySet());
    int cut = 1 + random.nextInt(ids.size() - 1 == 0 ? 1 : ids.size() - 1);
    List<Long> side = new ArrayList<>();
    for (int i = 0; i < cut; i++) {
      side.add(ids.remove(random.nextInt(ids.size())));
    }
    for (long a : side) {
      for (long b : ids) {
        network.block(a, b);
        network.block(b, a);
      }
    }
    trace.accept("partition " + side + " | " + ids);
  }

  void isolate(SimNode<I> leader) {
    for (long other : nodes.keySet()) {
      if (other != leader.id) {
        network.block(leader.id, other);
        network.block(other, leader.id);
      }
    }
    trace.accept("isolate leader " + leader.id);
  }

  /** Cuts the link from one random node to another (the way back stays). */
  void cutOneWay() {
    long from = randomId();
    long to = randomId();
    if (from != to) {
      network.block(from, to);
      trace.accept("cut " + from + " -> " + to);
    }
  }

  void heal() {
    network.heal();
    trace.accept("heal");
  }

  private long randomId() {
    List<Long> ids = new ArrayList<>(nodes.keySet());
    return ids.get(random.nextInt(ids.size()));
  }
}
