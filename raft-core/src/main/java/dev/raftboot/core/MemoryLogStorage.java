package dev.raftboot.core;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStorage} in memory, with the writers an application needs to feed it from a {@link
 * Ready}. Thread-safe: the raft loop reads while the application writes.
 *
 * <p>Internally the first slot holds a dummy entry carrying the index and term of the latest
 * snapshot, so {@code term(firstIndex() - 1)} is always answerable.
 */
public final class MemoryLogStorage implements LogStorage {
  private HardState hardState = HardState.getDefaultInstance();
  private Snapshot snapshot = Snapshot.getDefaultInstance();
  // entries.get(i) has index snapshotIndex + i; entries.get(0) is the dummy.
  private ArrayList<Entry> entries = new ArrayList<>();

  /** An empty log with no configuration: the node learns its peers from a snapshot. */
  public MemoryLogStorage() {
    entries.add(Entry.getDefaultInstance());
  }

  /** An empty log that bootstraps a new cluster with the given initial configuration. */
  public MemoryLogStorage(ConfState initialConfState) {
    this();
    snapshot =
        Snapshot.newBuilder()
            .setMetadata(SnapshotMetadata.newBuilder().setConfState(initialConfState))
            .build();
  }

  @Override
  public synchronized RaftState initialState() {
    return new RaftState(hardState, snapshot.getMetadata().getConfState());
  }

  @Override
  public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
    long offset = entries.get(0).getIndex();
    if (lo <= offset) {
      throw new CompactedException(lo, offset + 1);
    }
    if (hi > lastIndexLocked() + 1) {
      throw new LogUnavailableException(hi - 1, lastIndexLocked());
    }
    if (entries.size() == 1) {
      return List.of();
    }
    List<Entry> slice = entries.subList((int) (lo - offset), (int) (hi - offset));
    return new ArrayList<>(EntrySizes.limit(slice, maxBytes));
  }

  @Override
  public synchronized long term(long index) {
    long offset = entries.get(0).getIndex();
    if (index < offset) {
      throw new CompactedException(index, offset + 1);
    }
    if (index - offset >= entries.size()) {
      throw new LogUnavailableException(index, lastIndexLocked());
    }
    return entries.get((int) (index - offset)).getTerm();
  }

  @Override
  public synchronized long firstIndex() {
    return entries.get(0).getIndex() + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return lastIndexLocked();
  }

  @Override
  public synchronized Snapshot snapshot(long requestIndex) {
    return snapshot;
  }

  /** Persists the hard state of a {@link Ready}. */
  public synchronized void setHardState(HardState hardState) {
    this.hardState = hardState;
  }

  public synchronized HardState hardState() {
    return hardState;
  }

  /**
   * Replaces the whole log with a snapshot received from the leader.
   *
   * @throws SnapshotOutOfDateException if storage already holds a newer snapshot
   */
  public synchronized void applySnapshot(Snapshot snap) {
    long current = snapshot.getMetadata().getIndex();
    long offered = snap.getMetadata().getIndex();
    if (current >= offered) {
      throw new SnapshotOutOfDateException(offered, current);
    }
    snapshot = snap;
    entries = new ArrayList<>();
    entries.add(Entry.newBuilder().setIndex(offered).setTerm(snap.getMetadata().getTerm()).build());
  }

  /**
   * Records a snapshot of the state machine taken at {@code index} (which must be applied, and so
   * within the log). The log is not compacted; call {@link #compact} for that.
   */
  public synchronized Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
    long current = snapshot.getMetadata().getIndex();
    if (index <= current) {
      throw new SnapshotOutOfDateException(index, current);
    }
    long offset = entries.get(0).getIndex();
    if (index > lastIndexLocked()) {
      throw new LogUnavailableException(index, lastIndexLocked());
    }
    SnapshotMetadata.Builder meta =
        SnapshotMetadata.newBuilder()
            .setIndex(index)
            .setTerm(entries.get((int) (index - offset)).getTerm());
    if (confState != null) {
      meta.setConfState(confState);
    }
    snapshot =
        Snapshot.newBuilder()
            .setMetadata(meta)
            .setData(com.google.protobuf.ByteString.copyFrom(data))
            .build();
    return snapshot;
  }

  /**
   * Discards every entry before {@code compactIndex}; the entry at it becomes the new dummy.
   *
   * @throws CompactedException if the index is already compacted
   * @throws LogUnavailableException if the index is beyond the last entry
   */
  public synchronized void compact(long compactIndex) {
    long offset = entries.get(0).getIndex();
    if (compactIndex <= offset) {
      throw new CompactedException(compactIndex, offset + 1);
    }
    if (compactIndex > lastIndexLocked()) {
      throw new LogUnavailableException(compactIndex, lastIndexLocked());
    }
    int i = (int) (compactIndex - offset);
    ArrayList<Entry> kept = new ArrayList<>(entries.size() - i);
    Entry dummy = entries.get(i);
    kept.add(Entry.newBuilder().setIndex(dummy.getIndex()).setTerm(dummy.getTerm()).build());
    kept.addAll(entries.subList(i + 1, entries.size()));
    entries = kept;
  }

  /**
   * Appends the entries of a {@link Ready}. Entries that conflict with the stored log replace its
   * suffix; entries already compacted are skipped.
   */
  public synchronized void append(List<Entry> newEntries) {
    if (newEntries.isEmpty()) {
      return;
    }
    long first = firstIndex();
    long last = newEntries.get(newEntries.size() - 1).getIndex();
    if (last < first) {
      return; // all of them are compacted already
    }
    List<Entry> toAppend = newEntries;
    if (first > newEntries.get(0).getIndex()) {
      toAppend =
          newEntries.subList((int) (first - newEntries.get(0).getIndex()), newEntries.size());
    }
    long offset = toAppend.get(0).getIndex() - entries.get(0).getIndex();
    if (offset > entries.size()) {
      throw new IllegalArgumentException(
          "missing log entries: last stored index "
              + lastIndexLocked()
              + ", appending from index "
              + toAppend.get(0).getIndex());
    }
    if (offset < entries.size()) {
      entries.subList((int) offset, entries.size()).clear();
    }
    entries.addAll(toAppend);
  }

  private long lastIndexLocked() {
    return entries.get(0).getIndex() + entries.size() - 1;
  }
}
