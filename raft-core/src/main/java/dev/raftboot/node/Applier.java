package dev.raftboot.node;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.SnapshotMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
  /** A snapshot whose image is written, for the raft loop to record; and how long writing took. */
  record TakenSnapshot(SnapshotMetadata metadata, long writeNanos) {}

  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  private final String group;
  private final long nodeId;
  private final StateMachine stateMachine;
  private final SerialExecutor executor;
  private final Map<Long, CompletableFuture<Object>> proposals;
  private final long snapshotEvery;
  private final long snapshotEveryBytes;
  private final GroupStorage storage;
  private final Consumer<TakenSnapshot> onSnapshot;
  private final SessionTable sessions;

  // Touched only on the apply executor.
  private long applied;
  private long appliedTerm;
  private long lastSnapshotIndex;
  private long bytesSinceSnapshot;
  private ConfState confState;
  private final TreeMap<Long, List<CompletableFuture<Void>>> waitingReads = new TreeMap<>();

  private volatile long appliedIndex;

  /**
   * Why this applier stopped applying: a snapshot it had to restore could not be read. Applying the
   * entries after that snapshot to the state from before it would diverge from every other node;
   * the log stays intact, and a restart restores from storage.
   */
  private RuntimeException halted;

  Applier(
      String group,
      long nodeId,
      StateMachine stateMachine,
      Executor pool,
      ConcurrentHashMap<Long, CompletableFuture<Object>> proposals,
      long snapshotEvery,
      long snapshotEveryBytes,
      SessionPolicy sessionPolicy,
      GroupStorage storage,
      SnapshotMetadata start,
      Consumer<TakenSnapshot> onSnapshot) {
    this.group = group;
    this.nodeId = nodeId;
    this.stateMachine = stateMachine;
    this.executor = new SerialExecutor(pool);
    this.proposals = proposals;
    this.snapshotEvery = snapshotEvery;
    this.snapshotEveryBytes = snapshotEveryBytes;
    this.onSnapshot = onSnapshot;
    this.sessions = new SessionTable(sessionPolicy);
    this.storage = storage;
    this.applied = start.getIndex();
    this.appliedTerm = start.getTerm();
    this.appliedIndex = applied;
    this.lastSnapshotIndex = applied;
    this.confState = start.getConfState();
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
          if (halted != null) {
            refuse(entries);
            return;
          }
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
    appliedTerm = e.getTerm();
    bytesSinceSnapshot += e.getData().size();
    if (e.getType() != EntryType.ENTRY_NORMAL || e.getData().isEmpty()) {
      return;
    }
    ProposalEnvelope env = ProposalEnvelope.decode(e.getData());
    CompletableFuture<Object> f =
        env.origin() == nodeId ? proposals.remove(env.proposalId()) : null;
    sessions.advanceClock(env.proposedAtMillis());
    switch (env.kind()) {
      case COMMAND -> answer(f, applyCommand(e.getIndex(), e.getTerm(), env.command()), env);
      case OPEN_SESSION -> {
        sessions.open(e.getIndex());
        appliedIndex = applied;
        answer(f, new SessionOutcome.Value(e.getIndex()), env);
      }
      case SESSION_COMMAND -> applySessionCommand(e.getIndex(), e.getTerm(), env, f);
    }
  }

  /** At most once per (client, sequence): a request applied before is answered from the table. */
  private void applySessionCommand(
      long index, long term, ProposalEnvelope env, CompletableFuture<Object> f) {
    SessionTable.Check check = sessions.check(env.clientId(), env.sequence());
    switch (check.verdict()) {
      case NEW -> {
        SessionOutcome outcome = applyCommand(index, term, env.command());
        sessions.record(env.clientId(), env.sequence(), outcome);
        answer(f, outcome, env);
      }
      case DUPLICATE -> {
        appliedIndex = applied;
        answer(f, check.outcome(), env);
      }
      case EXPIRED -> {
        appliedIndex = applied;
        fail(f, new SessionExpiredException(group, env.clientId(), env.sequence()));
      }
      case STALE -> {
        appliedIndex = applied;
        fail(
            f,
            new StaleRequestException(group, env.clientId(), env.sequence(), check.lastApplied()));
      }
    }
  }

  private SessionOutcome applyCommand(long index, long term, byte[] command) {
    try {
      Object result = stateMachine.apply(index, term, command);
      // Visible before the proposer hears back: after propose().get(), appliedIndex() covers it.
      appliedIndex = applied;
      return new SessionOutcome.Value(result);
    } catch (RuntimeException ex) {
      appliedIndex = applied;
      // Every node applies the same command and fails the same way: the state machine decides
      // whether that leaves it consistent. The proposer learns of the failure.
      log.warn("group {}: state machine failed to apply entry {}", group, index, ex);
      return new SessionOutcome.Failed(ex);
    }
  }

  private void answer(CompletableFuture<Object> f, SessionOutcome outcome, ProposalEnvelope env) {
    if (f == null) {
      return;
    }
    if (outcome instanceof SessionOutcome.Value v) {
      f.complete(v.result());
    } else if (outcome instanceof SessionOutcome.Failed failed) {
      f.completeExceptionally(failed.error());
    } else {
      f.completeExceptionally(
          new ResultUnavailableException(group, env.clientId(), env.sequence()));
    }
  }

  private static void fail(CompletableFuture<Object> f, RuntimeException e) {
    if (f != null) {
      f.completeExceptionally(e);
    }
  }

  /**
   * Replaces the state machine's state with a snapshot received from the leader, read as a stream
   * from storage (where the loop installed its image before handing it over).
   */
  void restore(SnapshotMetadata snapshot) {
    executor.execute(
        () -> {
          if (halted != null) {
            return;
          }
          try {
            restoreFromStorage(snapshot);
          } catch (RuntimeException e) {
            halted = e;
            log.error(
                "group {}: state machine halted at index {}: cannot restore the snapshot at {};"
                    + " restart the node to restore from storage",
                group,
                applied,
                snapshot.getIndex(),
                e);
            return;
          }
          releaseReads();
        });
  }

  /** Fails this node's proposals among {@code entries}: they will not be applied here. */
  private void refuse(List<Entry> entries) {
    for (Entry e : entries) {
      if (e.getType() == EntryType.ENTRY_NORMAL && !e.getData().isEmpty()) {
        ProposalEnvelope env = ProposalEnvelope.decode(e.getData());
        if (env.origin() == nodeId) {
          fail(
              proposals.remove(env.proposalId()),
              new IllegalStateException(
                  "group " + group + ": state machine halted: " + halted.getMessage(), halted));
        }
      }
    }
  }

  /**
   * Replaces the session table and the state machine with the group image of {@code snapshot};
   * called directly (before the applier runs anything) for the snapshot a group starts from.
   */
  void restoreFromStorage(SnapshotMetadata snapshot) {
    try (InputStream image = storage.openSnapshot(snapshot)) {
      GroupImage.read(image, sessions, stateMachine);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "group " + group + ": cannot restore from the snapshot at " + snapshot.getIndex(), e);
    }
    applied = snapshot.getIndex();
    appliedTerm = snapshot.getTerm();
    appliedIndex = applied;
    lastSnapshotIndex = applied;
    bytesSinceSnapshot = 0;
    confState = snapshot.getConfState();
  }

  /**
   * Completes every barrier of {@code barriers} once the state machine has applied {@code index}.
   */
  void whenApplied(long index, List<CompletableFuture<Void>> barriers) {
    if (appliedIndex >= index) {
      // Already applied (the common case when reads outnumber writes): no hop to the applier.
      barriers.forEach(f -> f.complete(null));
      return;
    }
    executor.execute(
        () -> {
          if (applied >= index) {
            barriers.forEach(f -> f.complete(null));
          } else {
            waitingReads.computeIfAbsent(index, k -> new ArrayList<>()).addAll(barriers);
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

  /**
   * Takes a snapshot once everything handed over so far is applied, whatever the policy says (a
   * leader needs one for a follower). Nothing is taken when nothing was applied since the last.
   */
  CompletableFuture<Long> snapshotNow() {
    CompletableFuture<Long> taken = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            if (applied > lastSnapshotIndex) {
              takeSnapshot();
            }
            taken.complete(lastSnapshotIndex);
          } catch (RuntimeException e) {
            taken.completeExceptionally(e);
            throw e;
          }
        });
    return taken;
  }

  /** Snapshots once {@code snapshotEvery} entries or {@code snapshotEveryBytes} have applied. */
  private void maybeSnapshot() {
    if (applied - lastSnapshotIndex < snapshotEvery && bytesSinceSnapshot < snapshotEveryBytes) {
      return;
    }
    takeSnapshot();
  }

  private void takeSnapshot() {
    SnapshotMetadata metadata =
        SnapshotMetadata.newBuilder()
            .setIndex(applied)
            .setTerm(appliedTerm)
            .setConfState(confState)
            .build();
    long started = System.nanoTime();
    // The image streams from the state machine straight into storage (a file, for RocksDB).
    storage.writeSnapshot(metadata, out -> GroupImage.write(out, sessions, stateMachine));
    long writeNanos = System.nanoTime() - started;
    lastSnapshotIndex = applied;
    bytesSinceSnapshot = 0;
    onSnapshot.accept(new TakenSnapshot(metadata, writeNanos));
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
