package dev.raftboot.node;

import dev.raftboot.storage.RaftWriteBatch;
import dev.raftboot.storage.RocksDbStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Group commit across the groups of one server: the Readies that groups persist at about the same
 * time go to disk in one synced {@link RaftWriteBatch}, one fsync for all of them.
 *
 * <p>How: a group's loop hands its writes to {@link #persist} and waits. If no sync is in progress,
 * that thread becomes the syncer: it takes every write queued so far (its own included), stages
 * them into one batch, commits it (one fsync), and wakes their owners. Writes that arrive while a
 * sync runs queue up and go together in the next one. So under load each sync carries the writes of
 * every group that became ready during the previous one, and an idle server still syncs each write
 * at once, without waiting for company.
 *
 * <p>Guarantee: {@link #persist} returns only once its writes are on disk (synced), exactly as a
 * write of its own would; a failed commit fails every write it carried, a write that cannot be
 * staged fails alone.
 */
public final class WriteCoordinator {
  private final RocksDbStore store;
  private final Runnable beforeCommit;
  private final LongAdder syncs = new LongAdder();
  private final LongAdder writes = new LongAdder();

  // Guarded by this.
  private List<Pending> queue = new ArrayList<>();
  private boolean syncing;

  /** A write waiting for its sync; its fields are published under the coordinator's lock. */
  private static final class Pending {
    final Consumer<RaftWriteBatch> stage;
    boolean done;
    RuntimeException failure;

    Pending(Consumer<RaftWriteBatch> stage) {
      this.stage = stage;
    }
  }

  public WriteCoordinator(RocksDbStore store) {
    this(store, () -> {});
  }

  /** With a hook run by the syncer right before each commit (tests hold a sync open with it). */
  WriteCoordinator(RocksDbStore store, Runnable beforeCommit) {
    this.store = store;
    this.beforeCommit = beforeCommit;
  }

  /**
   * Stages writes with {@code stage} into the next shared batch and returns once that batch is
   * synced.
   *
   * @throws RuntimeException what staging or the commit threw (the write did not happen)
   */
  public void persist(Consumer<RaftWriteBatch> stage) {
    Pending mine = new Pending(stage);
    List<Pending> toSync;
    boolean interrupted = false;
    synchronized (this) {
      queue.add(mine);
      while (syncing && !mine.done) {
        try {
          wait();
        } catch (InterruptedException e) {
          // The write is queued and will be synced: wait for it, and keep the interrupt.
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (mine.done) {
        rethrow(mine);
        return;
      }
      syncing = true;
      toSync = queue;
      queue = new ArrayList<>();
    }
    try {
      commit(toSync);
    } catch (RuntimeException | Error e) {
      // Not a refusal of one write, nor a failed commit (commit() records those): something broke
      // around them (the batch could not even be made). No write of this round is known durable.
      RuntimeException failure =
          e instanceof RuntimeException r ? r : new IllegalStateException("group commit failed", e);
      toSync.forEach(p -> p.failure = failure);
      throw e;
    } finally {
      // Whatever happened, the writers waiting on this round are told, and the next can sync.
      synchronized (this) {
        for (Pending p : toSync) {
          p.done = true;
        }
        syncing = false;
        notifyAll();
      }
    }
    rethrow(mine);
  }

  /**
   * Stages and commits {@code toSync}, recording each write's failure in it. A write whose staging
   * fails (its group's state refuses it) fails alone: the batch is staged again without it, so one
   * group's fault does not stop the groups that happened to share its sync. A failed commit (the
   * disk) fails every write it carried.
   */
  private void commit(List<Pending> toSync) {
    List<Pending> staged = new ArrayList<>(toSync);
    while (!staged.isEmpty()) {
      try (RaftWriteBatch batch = store.newBatch()) {
        Pending refused = stageAll(staged, batch);
        if (refused != null) {
          staged.remove(refused);
          continue;
        }
        try {
          beforeCommit.run();
          batch.commit();
        } catch (RuntimeException e) {
          staged.forEach(p -> p.failure = e);
          return;
        }
        syncs.increment();
        writes.add(staged.size());
        return;
      }
    }
  }

  /** Stages every write into {@code batch}; returns the first whose staging threw, or null. */
  private static Pending stageAll(List<Pending> writes, RaftWriteBatch batch) {
    for (Pending p : writes) {
      try {
        p.stage.accept(batch);
      } catch (RuntimeException e) {
        p.failure = e;
        return p;
      }
    }
    return null;
  }

  private static void rethrow(Pending p) {
    if (p.failure != null) {
      throw p.failure;
    }
  }

  /** Writes waiting for the next sync (for tests). */
  synchronized int queued() {
    return queue.size();
  }

  /** Synced commits so far. */
  public long syncs() {
    return syncs.sum();
  }

  /** Writes persisted so far; {@code writes() / syncs()} is the average group commit size. */
  public long writes() {
    return writes.sum();
  }
}
