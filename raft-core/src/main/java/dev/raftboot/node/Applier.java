package dev.raftboot.node;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Snapshot;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed entries to the state machine off the raft loop, in log order, completes the
 * futures of this node's proposals and of reads waiting for an applied index, and takes snapshots
 * by policy. Everything here runs on one serial executor.
 */
final class Applier {
  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  /** A snapshot the state machine produced, to be recorded in storage by the raft loop. */
  record TakenSnapshot(long index, ConfState confState, byte[] data) {}

  private final String group;
  private final long nodeId;
  private final StateMachine stateMachine;
  private final SerialExecutor executor;
  private final Map<Long, CompletableFuture<Object>> proposals;
  private final long snapshotEvery;
  private final Consumer<TakenSnapshot> onSnapshot;

  // Touched only on the apply executor.
  private long applied;
  private long lastSnapshotIndex;
  private ConfState confState;
  private final TreeMap<Long, List<CompletableFuture<Void>>> waitingReads = new TreeMap<>();

  private volatile long appliedIndex;

  Applier(
      String group,
      long nodeId,
      StateMachine stateMachine,
      Executor pool,
      ConcurrentHashMap<Long, CompletableFuture<Object>> proposals,
      long snapshotEvery,
      long startIndex,
      ConfState startConfState,
      Consumer<TakenSnapshot> onSnapshot) {
    this.group = group;
    this.nodeId = nodeId;
    this.stateMachine = stateMachine;
    this.executor = new SerialExecutor(pool);
    this.proposals = proposals;
    this.snapshotEvery = snapshotEvery;
    this.onSnapshot = onSnapshot;
    this.applied = startIndex;
    this.appliedIndex = startIndex;
    this.lastSnapshotIndex = startIndex;
    this.confState = startConfState;
  }

  /** The index the state machine has applied. */
  long appliedIndex() {
    return appliedIndex;
  }

  void execute(Runnable task) {
    executor.execute(task);
  }

  /** Applies entries; {@code confStateAfter} is the configuration once they are applied. */
  void apply(List<Entry> entries, ConfState confStateAfter) {
    executor.execute(
        () -> {
          for (Entry e : entries) {
            applyOne(e);
          }
          confState = confStateAfter;
          appliedIndex = applied;
          releaseReads();
          maybeSnapshot();
        });
  }

  private void applyOne(Entry e) {
    applied = e.getIndex();
    if (e.getType() != EntryType.ENTRY_NORMAL || e.getData().isEmpty()) {
      return;
    }
    ProposalEnvelope env = ProposalEnvelope.decode(e.getData());
    CompletableFuture<Object> f =
        env.origin() == nodeId ? proposals.remove(env.proposalId()) : null;
    try {
      Object result = stateMachine.apply(e.getIndex(), env.command());
      // Visible before the proposer hears back: after propose().get(), appliedIndex() covers it.
      appliedIndex = applied;
      if (f != null) {
        f.complete(result);
      }
    } catch (RuntimeException ex) {
      appliedIndex = applied;
      // Every node applies the same command and fails the same way: the state machine decides
      // whether that leaves it consistent. The proposer learns of the failure.
      log.warn("group {}: state machine failed to apply entry {}", group, e.getIndex(), ex);
      if (f != null) {
        f.completeExceptionally(ex);
      }
    }
  }

  /** Replaces the state machine's state with a snapshot received from the leader. */
  void restore(Snapshot snapshot) {
    executor.execute(
        () -> {
          stateMachine.restore(snapshot.getData().newInput());
          applied = snapshot.getMetadata().getIndex();
          appliedIndex = applied;
          lastSnapshotIndex = applied;
          confState = snapshot.getMetadata().getConfState();
          releaseReads();
        });
  }

  /** Completes {@code f} once the state machine has applied {@code index}. */
  void whenApplied(long index, CompletableFuture<Void> f) {
    executor.execute(
        () -> {
          if (applied >= index) {
            f.complete(null);
          } else {
            waitingReads.computeIfAbsent(index, k -> new ArrayList<>()).add(f);
          }
        });
  }

  private void releaseReads() {
    while (!waitingReads.isEmpty() && waitingReads.firstKey() <= applied) {
      for (CompletableFuture<Void> f : waitingReads.pollFirstEntry().getValue()) {
        f.complete(null);
      }
    }
  }

  private void maybeSnapshot() {
    if (applied - lastSnapshotIndex < snapshotEvery) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stateMachine.snapshot(out);
    lastSnapshotIndex = applied;
    onSnapshot.accept(new TakenSnapshot(applied, confState, out.toByteArray()));
  }

  /** Fails every read still waiting: the group is closing. */
  void failWaiting(RuntimeException cause) {
    executor.execute(
        () -> {
          waitingReads.values().forEach(l -> l.forEach(f -> f.completeExceptionally(cause)));
          waitingReads.clear();
        });
  }
}
