package dev.raftboot.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.WriteBatch;

/**
 * Writes of any number of groups that reach disk together in one synced RocksDB write: group
 * commit, one fsync for every group's Ready in a round instead of one each.
 *
 * <pre>{@code
 * try (RaftWriteBatch batch = store.newBatch()) {
 *   orders.stage(batch, rdA.hardState().orElse(null), rdA.entries(), null);
 *   users.stage(batch, rdB.hardState().orElse(null), rdB.entries(), null);
 *   batch.commit(); // atomic and synced; then each view shows its new state
 * }
 * }</pre>
 *
 * Guarantees: all staged writes become durable atomically or none does; readers of a view see its
 * old state until the write is on disk and the new state afterwards, never a mix. A batch is used
 * once; closing it without committing discards it. Not thread-safe: one thread fills and commits
 * it.
 */
public final class RaftWriteBatch implements AutoCloseable {
  private final RocksDbStore store;
  private final BatchEncoder batch = new BatchEncoder();
  private final Map<RocksDbLogStorage, GroupWrite> groups = new LinkedHashMap<>();
  private boolean done;

  RaftWriteBatch(RocksDbStore store) {
    this.store = store;
  }

  /** The share of this batch belonging to one group, created on first use. */
  GroupWrite forGroup(RocksDbLogStorage view) {
    if (done) {
      throw new IllegalStateException("batch already committed or closed");
    }
    if (view.store() != store) {
      throw new IllegalArgumentException("group '" + view.groupId() + "' belongs to another store");
    }
    return groups.computeIfAbsent(view, v -> new GroupWrite(v, store, batch, v.currentState()));
  }

  /** Number of groups with writes staged. */
  public int groupCount() {
    return groups.size();
  }

  public boolean isEmpty() {
    return groups.isEmpty();
  }

  /**
   * Writes everything staged in one synced write, then shows each group its new state.
   *
   * @throws StorageException if the write fails; no view changes then
   */
  public void commit() {
    commit(true);
  }

  /**
   * Commits without syncing: for writes that may be lost in a crash (a commit index moving, which a
   * restarted node learns again from its leader). A later synced write makes them durable too.
   */
  public void commitUnsynced() {
    commit(false);
  }

  private void commit(boolean sync) {
    if (done) {
      throw new IllegalStateException("batch already committed or closed");
    }
    done = true;
    if (groups.isEmpty()) {
      return;
    }
    // Lock in a fixed order (by group id) so two batches over the same groups cannot deadlock;
    // readers of these groups wait out the fsync rather than see state not yet on disk.
    List<GroupWrite> writes = new ArrayList<>(groups.values());
    writes.sort(Comparator.comparing(w -> w.view.groupId()));
    int locked = 0;
    try {
      for (GroupWrite w : writes) {
        w.view.lock().lock();
        locked++;
      }
      try (WriteBatch encoded = batch.toWriteBatch()) {
        store.write(encoded, sync);
      }
      for (GroupWrite w : writes) {
        w.view.install(w);
      }
    } finally {
      for (int i = locked - 1; i >= 0; i--) {
        writes.get(i).view.lock().unlock();
      }
    }
  }

  /** Ends the batch; uncommitted writes are discarded. */
  @Override
  public void close() {
    done = true;
  }
}
