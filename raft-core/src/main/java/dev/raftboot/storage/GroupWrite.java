package dev.raftboot.storage;

import dev.raftboot.core.CompactedException;
import dev.raftboot.core.LogUnavailableException;
import dev.raftboot.core.SnapshotOutOfDateException;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One group's share of a {@link RaftWriteBatch}: turns each write into RocksDB operations in the
 * shared batch and computes the group's next in-memory state, which its view installs only after
 * the batch is on disk. Several writes to one group in one batch see each other's effects.
 */
final class GroupWrite {
  final RocksDbLogStorage view;
  private final RocksDbStore store;
  private final BatchEncoder batch;
  private final byte[] prefix;
  private GroupState next;
  private final List<Consumer<TailCache>> cacheOps = new ArrayList<>();

  GroupWrite(RocksDbLogStorage view, RocksDbStore store, BatchEncoder batch, GroupState current) {
    this.view = view;
    this.store = store;
    this.batch = batch;
    this.prefix = view.prefix();
    this.next = current;
  }

  GroupState nextState() {
    return next;
  }

  /** Replays the cache changes of this write, in order, once it is durable. */
  void applyTo(TailCache cache) {
    cacheOps.forEach(op -> op.accept(cache));
  }

  /** Replaces the whole log with a snapshot's position (a snapshot received from the leader). */
  void applySnapshot(SnapshotMetadata meta) {
    long current = next.snapshot().getIndex();
    if (meta.getIndex() <= current) {
      throw new SnapshotOutOfDateException(meta.getIndex(), current);
    }
    deleteRange(Keys.entryKey(prefix, 0), Keys.entryRangeEnd(prefix));
    putMeta(RecordType.SNAPSHOT_METADATA, meta.toByteArray());
    putTruncated(meta.getIndex(), meta.getTerm());
    putApplied(meta.getIndex(), meta.getConfState());
    next =
        next.withSnapshot(meta)
            .withTruncated(meta.getIndex(), meta.getTerm(), meta.getIndex())
            .withApplied(meta.getIndex(), meta.getConfState());
    cacheOps.add(TailCache::clear);
  }

  /** Appends entries, replacing a conflicting suffix; entries already compacted are skipped. */
  void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).getIndex() != entries.get(i - 1).getIndex() + 1) {
        throw new IllegalArgumentException(
            "entries are not contiguous: index "
                + entries.get(i - 1).getIndex()
                + " is followed by "
                + entries.get(i).getIndex());
      }
    }
    long first = next.firstIndex();
    long last = entries.get(entries.size() - 1).getIndex();
    if (last < first) {
      return;
    }
    List<Entry> toAppend = entries;
    if (entries.get(0).getIndex() < first) {
      toAppend = entries.subList((int) (first - entries.get(0).getIndex()), entries.size());
    }
    long from = toAppend.get(0).getIndex();
    if (from > next.lastIndex() + 1) {
      throw new IllegalArgumentException(
          "missing log entries: last stored index "
              + next.lastIndex()
              + ", appending from index "
              + from);
    }
    int logFamily = store.familyId(RocksDbStore.Column.LOG);
    batch.reserve(BatchEncoder.entriesSize(prefix, toAppend));
    for (Entry e : toAppend) {
      batch.putEntry(logFamily, prefix, e);
    }
    if (last < next.lastIndex()) {
      // The new entries overwrite [from, last]; the stale suffix after them goes too.
      deleteRange(Keys.entryKey(prefix, last + 1), Keys.entryRangeEnd(prefix));
    }
    next = next.withLastIndex(last);
    List<Entry> copy = List.copyOf(toAppend);
    cacheOps.add(c -> c.append(copy));
  }

  void setHardState(HardState hs) {
    putMeta(RecordType.HARD_STATE, hs.toByteArray());
    next = next.withHardState(hs);
  }

  /** Records the applied index and the configuration in force there (null: keep the current). */
  void setApplied(long index, ConfState confState) {
    ConfState cs = confState != null ? confState : next.confState();
    putApplied(index, cs);
    next = next.withApplied(index, cs);
  }

  /** Records the bootstrap snapshot at index 0 that carries a new cluster's initial voters. */
  void recordSnapshotAtZero(SnapshotMetadata meta) {
    putMeta(RecordType.SNAPSHOT_METADATA, meta.toByteArray());
    next = next.withSnapshot(meta);
  }

  /** Records the metadata of a snapshot taken locally; the log is left as it is. */
  void recordSnapshot(SnapshotMetadata meta) {
    long current = next.snapshot().getIndex();
    if (meta.getIndex() <= current) {
      throw new SnapshotOutOfDateException(meta.getIndex(), current);
    }
    putMeta(RecordType.SNAPSHOT_METADATA, meta.toByteArray());
    next = next.withSnapshot(meta);
  }

  /** Drops every entry up to and including {@code index}; {@code term} is the term of that one. */
  void compact(long index, long term) {
    if (index < next.firstIndex()) {
      throw new CompactedException(index, next.firstIndex());
    }
    if (index > next.lastIndex()) {
      throw new LogUnavailableException(index, next.lastIndex());
    }
    // One range tombstone, not a delete per entry: compaction cost does not grow with the log.
    deleteRange(Keys.entryKey(prefix, 0), Keys.entryKey(prefix, index + 1));
    putTruncated(index, term);
    next = next.withTruncated(index, term, next.lastIndex());
    cacheOps.add(c -> c.dropBefore(index + 1));
  }

  private void putTruncated(long index, long term) {
    putMeta(
        RecordType.TRUNCATED,
        Entry.newBuilder().setIndex(index).setTerm(term).build().toByteArray());
  }

  private void putApplied(long index, ConfState cs) {
    putMeta(RecordType.APPLIED_INDEX, ByteBuffer.allocate(8).putLong(index).array());
    if (cs != null) {
      putMeta(RecordType.CONF_STATE, cs.toByteArray());
    }
  }

  private void putMeta(RecordType type, byte[] payload) {
    put(RocksDbStore.Column.META, Keys.metaKey(prefix, type), payload);
  }

  private void put(RocksDbStore.Column column, byte[] key, byte[] payload) {
    batch.put(store.familyId(column), key, payload);
  }

  private void deleteRange(byte[] from, byte[] to) {
    batch.deleteRange(store.familyId(RocksDbStore.Column.LOG), from, to);
  }
}
