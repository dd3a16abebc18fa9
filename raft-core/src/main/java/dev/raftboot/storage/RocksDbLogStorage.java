package dev.raftboot.storage;

import dev.raftboot.core.CompactedException;
import dev.raftboot.core.LogStorage;
import dev.raftboot.core.LogUnavailableException;
import dev.raftboot.core.RaftState;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable {@link LogStorage} of one Raft group, a view of a shared {@link RocksDbStore}:
 * entries, hard state, the configuration at the applied index, the applied index, and the latest
 * snapshot's metadata. Obtain it with {@link RocksDbStore#group(String)}.
 *
 * <p>Guarantees: every writer returns only once its data is synced to disk, and is atomic (a crash
 * leaves the state before or after it, never between); {@link #persist} writes a whole Ready in one
 * synced write, and {@link #stage} lets several groups share one. Reads are verified (checksum,
 * version, index) and fail with {@link StorageCorruptionException} rather than return damaged data.
 * The writers mirror {@link dev.raftboot.core.MemoryLogStorage}'s, with the same errors.
 * Thread-safe: the raft loop may read while another thread writes. Writes to one group are expected
 * from one thread at a time (the group's serialized loop): a writer computes its effect from the
 * state it sees, as {@code MemoryLogStorage}'s do.
 *
 * <p>Snapshot data is not kept here: {@link #snapshot} returns the latest snapshot's metadata with
 * empty data, and the state-machine image lives in a {@link
 * dev.raftboot.storage.snapshot.SnapshotStore} file, which the runtime streams to followers.
 */
public final class RocksDbLogStorage implements LogStorage {
  private final RocksDbStore store;
  private final String groupId;
  private final byte[] prefix;
  private final LogReader reader;
  private final ReentrantLock lock = new ReentrantLock();
  private final TailCache cache;
  private GroupState state;

  private RocksDbLogStorage(RocksDbStore store, String groupId, byte[] prefix) {
    this.store = store;
    this.groupId = groupId;
    this.prefix = prefix;
    this.reader = new LogReader(store, groupId, prefix);
    this.cache = new TailCache(store.options().tailCacheBytesPerGroup());
    this.state = reader.loadState();
  }

  static RocksDbLogStorage load(RocksDbStore store, String groupId) {
    return new RocksDbLogStorage(store, groupId, Keys.groupPrefix(groupId));
  }

  public String groupId() {
    return groupId;
  }

  RocksDbStore store() {
    return store;
  }

  byte[] prefix() {
    return prefix;
  }

  ReentrantLock lock() {
    return lock;
  }

  GroupState currentState() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /** Called by a batch, with the lock held, once the batch is on disk. */
  void install(GroupWrite write) {
    state = write.nextState();
    write.applyTo(cache);
  }

  // ---- LogStorage ----------------------------------------------------------------------------

  /** The hard state, and the configuration recorded at the applied index (else the snapshot's). */
  @Override
  public RaftState initialState() {
    GroupState s = currentState();
    return new RaftState(s.hardState(), s.effectiveConfState());
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    lock.lock();
    try {
      if (lo <= state.truncatedIndex()) {
        throw new CompactedException(lo, state.firstIndex());
      }
      if (hi > state.lastIndex() + 1) {
        throw new LogUnavailableException(hi - 1, state.lastIndex());
      }
      if (lo > hi) {
        throw new IllegalArgumentException("invalid range [" + lo + ", " + hi + ")");
      }
      List<Entry> out = new ArrayList<>();
      long size = 0;
      long cacheFirst = Math.max(lo, Math.min(hi, cache.firstIndex()));
      if (lo < cacheFirst) {
        size = reader.readRange(lo, cacheFirst, maxBytes, 0, out);
        if (size < 0) {
          return out;
        }
      }
      for (long i = cacheFirst; i < hi; i++) {
        Entry e = cache.get(i);
        size += e.getSerializedSize();
        if (!out.isEmpty() && size > maxBytes) {
          break;
        }
        out.add(e);
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long term(long index) {
    lock.lock();
    try {
      if (index < state.truncatedIndex()) {
        throw new CompactedException(index, state.firstIndex());
      }
      if (index == state.truncatedIndex()) {
        return state.truncatedTerm();
      }
      if (index > state.lastIndex()) {
        throw new LogUnavailableException(index, state.lastIndex());
      }
      Entry cached = cache.get(index);
      return cached != null ? cached.getTerm() : reader.entry(index).getTerm();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long firstIndex() {
    return currentState().firstIndex();
  }

  @Override
  public long lastIndex() {
    return currentState().lastIndex();
  }

  /** The latest snapshot's metadata, with empty data (the image is in the snapshot store). */
  @Override
  public Snapshot snapshot(long requestIndex) {
    return Snapshot.newBuilder().setMetadata(currentState().snapshot()).build();
  }

  // ---- state getters -------------------------------------------------------------------------

  public HardState hardState() {
    return currentState().hardState();
  }

  /** The configuration recorded at the applied index, else the snapshot's. */
  public ConfState confState() {
    return currentState().effectiveConfState();
  }

  public long appliedIndex() {
    return currentState().appliedIndex();
  }

  public SnapshotMetadata snapshotMetadata() {
    return currentState().snapshot();
  }

  /** Whether nothing at all is stored for this group. */
  public boolean isEmpty() {
    return currentState().isEmpty();
  }

  // ---- writers -------------------------------------------------------------------------------

  /**
   * Bootstraps a new cluster's initial voters: a snapshot at index 0 carrying the configuration, as
   * {@code new MemoryLogStorage(confState)} does.
   *
   * @throws IllegalStateException if the group already has stored state
   */
  public void bootstrap(ConfState confState) {
    if (!isEmpty()) {
      throw new IllegalStateException("group '" + groupId + "' already has stored state");
    }
    SnapshotMetadata meta = SnapshotMetadata.newBuilder().setConfState(confState).build();
    try (RaftWriteBatch b = store.newBatch()) {
      GroupWrite w = b.forGroup(this);
      w.recordSnapshotAtZero(meta);
      b.commit();
    }
  }

  /**
   * Persists a whole Ready in one synced write: its snapshot first (replacing the log), then its
   * entries, then its hard state. Any argument may be null or empty.
   */
  public void persist(HardState hardState, List<Entry> entries, SnapshotMetadata snapshot) {
    try (RaftWriteBatch b = store.newBatch()) {
      stage(b, hardState, entries, snapshot);
      b.commit();
    }
  }

  /**
   * Records a hard state whose term and vote are already durable (only the commit index moved)
   * without waiting for the disk: losing it in a crash only sets the commit index back, which the
   * leader restores (Raft's {@code Ready.mustSync} is false for such a Ready).
   */
  public void persistCommitUnsynced(HardState hardState) {
    try (RaftWriteBatch b = store.newBatch()) {
      stage(b, hardState, null, null);
      b.commitUnsynced();
    }
  }

  /** Stages a Ready's writes into a shared batch; they take effect when it commits. */
  public void stage(
      RaftWriteBatch batch, HardState hardState, List<Entry> entries, SnapshotMetadata snapshot) {
    GroupWrite w = batch.forGroup(this);
    if (snapshot != null) {
      w.applySnapshot(snapshot);
    }
    if (entries != null) {
      w.append(entries);
    }
    if (hardState != null) {
      w.setHardState(hardState);
    }
  }

  /**
   * Stages the applied index and the configuration in force there (null keeps the recorded one).
   */
  public void stageApplied(RaftWriteBatch batch, long index, ConfState confState) {
    batch.forGroup(this).setApplied(index, confState);
  }

  /** Appends entries, replacing a conflicting suffix; entries already compacted are skipped. */
  public void append(List<Entry> entries) {
    persist(null, entries, null);
  }

  public void setHardState(HardState hardState) {
    persist(hardState, null, null);
  }

  /** Records the applied index and the configuration in force there (null keeps the recorded). */
  public void setApplied(long index, ConfState confState) {
    try (RaftWriteBatch b = store.newBatch()) {
      stageApplied(b, index, confState);
      b.commit();
    }
  }

  /**
   * Replaces the whole log with a snapshot received from the leader; the applied index and
   * configuration become the snapshot's, since the state machine is restored from it next.
   *
   * @throws dev.raftboot.core.SnapshotOutOfDateException if a newer snapshot is stored
   */
  public void applySnapshot(Snapshot snapshot) {
    persist(null, null, snapshot.getMetadata());
  }

  /**
   * Records that the state machine's image at {@code index} (applied, so within the log) was saved.
   * The log is not compacted; call {@link #compact} for that.
   *
   * @return the recorded metadata, with the term of the entry at {@code index}
   */
  public SnapshotMetadata createSnapshot(long index, ConfState confState) {
    long term = term(index);
    SnapshotMetadata.Builder meta = SnapshotMetadata.newBuilder().setIndex(index).setTerm(term);
    if (confState != null) {
      meta.setConfState(confState);
    }
    SnapshotMetadata built = meta.build();
    try (RaftWriteBatch b = store.newBatch()) {
      b.forGroup(this).recordSnapshot(built);
      b.commit();
    }
    return built;
  }

  /**
   * Records that the state machine's image at {@code index} was saved, as the snapshot a restart
   * begins from, in one synced write with what must change with it: the applied index becomes
   * {@code index} and the configuration in force there {@code confState} (the state machine
   * restarts from this image), and the entries before {@code compactIndex} are discarded when it is
   * past the first index.
   *
   * @return the recorded metadata, with the term of the entry at {@code index}
   */
  public SnapshotMetadata recordSnapshot(long index, ConfState confState, long compactIndex) {
    SnapshotMetadata meta =
        SnapshotMetadata.newBuilder()
            .setIndex(index)
            .setTerm(term(index))
            .setConfState(confState)
            .build();
    boolean compact = compactIndex > firstIndex();
    long compactTerm = compact ? term(compactIndex) : 0;
    try (RaftWriteBatch b = store.newBatch()) {
      GroupWrite w = b.forGroup(this);
      w.recordSnapshot(meta);
      w.setApplied(index, confState);
      if (compact) {
        w.compact(compactIndex, compactTerm);
      }
      b.commit();
    }
    return meta;
  }

  /**
   * Discards every entry before {@code compactIndex} with one range delete; the entry at it becomes
   * the new truncation point.
   *
   * @throws CompactedException if the index is already compacted
   * @throws LogUnavailableException if the index is beyond the last entry
   */
  public void compact(long compactIndex) {
    long term = term(compactIndex);
    try (RaftWriteBatch b = store.newBatch()) {
      b.forGroup(this).compact(compactIndex, term);
      b.commit();
    }
  }

  @Override
  public String toString() {
    GroupState s = currentState();
    return "RocksDbLogStorage[" + groupId + ", " + s.firstIndex() + ".." + s.lastIndex() + "]";
  }
}
