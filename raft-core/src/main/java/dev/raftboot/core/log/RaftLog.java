package dev.raftboot.core.log;

import dev.raftboot.core.CompactedException;
import dev.raftboot.core.EntrySizes;
import dev.raftboot.core.LogStorage;
import dev.raftboot.core.LogUnavailableException;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as the consensus module sees it: stable storage followed by an unstable tail, with the
 * commit, applying and applied indexes.
 *
 * <pre>
 *   storage: [firstIndex ............ lastStable]
 *   unstable:                    [offset ............ lastIndex]
 *   applied ≤ applying ≤ committed ≤ lastIndex
 * </pre>
 */
public final class RaftLog {
  private final LogStorage storage;
  private final Unstable unstable;
  private final long maxApplyingEntriesSize;
  private long committed;

  /** The highest index handed out to the application for applying, not yet confirmed. */
  private long applying;

  private long applied;

  public RaftLog(LogStorage storage, long maxApplyingEntriesSize) {
    this.storage = storage;
    this.maxApplyingEntriesSize = maxApplyingEntriesSize;
    long first = storage.firstIndex();
    long last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applying = first - 1;
    this.applied = first - 1;
  }

  public long committed() {
    return committed;
  }

  public long applied() {
    return applied;
  }

  public long applying() {
    return applying;
  }

  public LogStorage storage() {
    return storage;
  }

  /**
   * Appends entries sent by a leader whose previous entry is (index, logTerm), truncating a
   * conflicting suffix, and advances the commit index to min(leaderCommit, last new entry).
   *
   * @return the index of the last new entry, or -1 if the log does not contain (index, logTerm)
   */
  public long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> ents) {
    if (!matchTerm(index, logTerm)) {
      return -1;
    }
    long lastNewIndex = index + ents.size();
    long conflict = findConflict(ents);
    if (conflict != 0) {
      if (conflict <= committed) {
        throw new IllegalStateException(
            "entry " + conflict + " conflicts with committed entry (committed " + committed + ")");
      }
      long offset = index + 1;
      append(ents.subList((int) (conflict - offset), ents.size()));
    }
    commitTo(Math.min(leaderCommit, lastNewIndex));
    return lastNewIndex;
  }

  /** Appends entries to the unstable tail, replacing any conflicting suffix. */
  public long append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return lastIndex();
    }
    long after = ents.get(0).getIndex() - 1;
    if (after < committed) {
      throw new IllegalStateException(
          "cannot truncate the log after index " + after + ": committed is " + committed);
    }
    unstable.truncateAndAppend(ents);
    return lastIndex();
  }

  /**
   * The index of the first entry whose term differs from the log's (a conflict or a new entry), or
   * 0 if every given entry is already in the log.
   */
  long findConflict(List<Entry> ents) {
    for (int i = 0; i < ents.size(); i++) {
      Entry e = ents.get(i);
      if (!matchTerm(e.getIndex(), e.getTerm())) {
        return e.getIndex();
      }
    }
    return 0;
  }

  /**
   * The largest index ≤ {@code index} whose term is ≤ {@code term}: the fast-backtracking hint that
   * lets a leader skip a whole term of divergent entries in one round trip. Returns the index whose
   * term is unknown (compacted) if the search reaches it.
   */
  public long findConflictByTerm(long index, long term) {
    for (; index > 0; index--) {
      long ourTerm = termOrMinusOne(index);
      if (ourTerm < 0 || ourTerm <= term) {
        return index;
      }
    }
    return 0;
  }

  /**
   * Entries not yet persisted nor handed out for persisting, in a list the caller may keep. Entries
   * handed out stay unstable (readable here) until {@link #stableTo} reports them written.
   */
  public List<Entry> unstableEntries() {
    List<Entry> ents = unstable.nextEntries();
    return ents.isEmpty() ? List.of() : List.copyOf(ents);
  }

  /** Marks every unstable entry and snapshot as handed out for persisting (taken in a Ready). */
  public void acceptUnstable() {
    unstable.acceptInProgress();
  }

  /** Committed entries not yet handed out for applying, bounded by the per-Ready size. */
  public List<Entry> nextCommittedEntries() {
    if (hasPendingSnapshot()) {
      return List.of();
    }
    long lo = Math.max(applying, firstIndex() - 1) + 1;
    long hi = committed + 1;
    if (lo >= hi) {
      return List.of();
    }
    return slice(lo, hi, maxApplyingEntriesSize);
  }

  public boolean hasNextCommittedEntries() {
    if (hasPendingSnapshot()) {
      return false;
    }
    return committed > Math.max(applying, firstIndex() - 1);
  }

  public boolean hasPendingSnapshot() {
    return unstable.snapshot() != null;
  }

  /** Whether there are unstable entries not yet handed out for persisting. */
  public boolean hasUnstableEntries() {
    return unstable.hasNextEntries();
  }

  /** The unstable snapshot if it was not yet handed out for persisting, else null. */
  public Snapshot unstableSnapshot() {
    return unstable.nextSnapshot();
  }

  /** The snapshot to send to a follower that needs entries from before {@code firstIndex}. */
  public Snapshot snapshot(long requestIndex) {
    if (unstable.snapshot() != null) {
      return unstable.snapshot();
    }
    return storage.snapshot(requestIndex);
  }

  public long firstIndex() {
    long i = unstable.maybeFirstIndex();
    return i > 0 ? i : storage.firstIndex();
  }

  public long lastIndex() {
    long i = unstable.maybeLastIndex();
    return i >= 0 ? i : storage.lastIndex();
  }

  /**
   * The last index whose entry is durable and belongs to this log: what a leader may count as its
   * own acknowledgement toward a commit quorum.
   */
  public long persistedLastIndex() {
    if (unstable.snapshot() != null) {
      return 0;
    }
    return Math.min(unstable.offset() - 1, storage.lastIndex());
  }

  public void commitTo(long toCommit) {
    if (committed < toCommit) {
      if (lastIndex() < toCommit) {
        throw new IllegalStateException(
            "commit index "
                + toCommit
                + " is beyond the last index "
                + lastIndex()
                + ": was the log corrupted, truncated or lost?");
      }
      committed = toCommit;
    }
  }

  /** The application took committed entries up to {@code index} for applying. */
  public void acceptApplying(long index) {
    if (index > applying) {
      applying = index;
    }
  }

  /** The application has applied every entry up to {@code index}. */
  public void appliedTo(long index) {
    if (index == 0) {
      return;
    }
    if (committed < index || index < applied) {
      throw new IllegalStateException(
          "applied("
              + index
              + ") is out of range [prevApplied("
              + applied
              + "), committed("
              + committed
              + ")]");
    }
    applied = index;
    if (applying < index) {
      applying = index;
    }
  }

  public boolean stableTo(long index, long term) {
    return unstable.stableTo(index, term);
  }

  public void stableSnapTo(long index) {
    unstable.stableSnapTo(index);
  }

  public long lastTerm() {
    return termOrZero(lastIndex());
  }

  /**
   * The term of the entry at {@code index}.
   *
   * @throws CompactedException if it lies before the first index - 1
   * @throws LogUnavailableException if it lies beyond the last index
   */
  public long term(long index) {
    long t = unstable.maybeTerm(index);
    if (t >= 0) {
      return t;
    }
    long first = firstIndex();
    if (index + 1 < first) {
      throw new CompactedException(index, first);
    }
    long last = lastIndex();
    if (index > last) {
      throw new LogUnavailableException(index, last);
    }
    return storage.term(index);
  }

  /** The term at index, or -1 when it is compacted or beyond the log. */
  public long termOrMinusOne(long index) {
    long t = unstable.maybeTerm(index);
    if (t >= 0) {
      return t;
    }
    if (index + 1 < firstIndex() || index > lastIndex()) {
      return -1;
    }
    try {
      return storage.term(index);
    } catch (CompactedException | LogUnavailableException e) {
      return -1;
    }
  }

  /** The term at index, or 0 when it is unknown: for comparisons where unknown never matches. */
  public long termOrZero(long index) {
    long t = termOrMinusOne(index);
    return t < 0 ? 0 : t;
  }

  public boolean matchTerm(long index, long term) {
    long t = termOrMinusOne(index);
    return t >= 0 && t == term;
  }

  /** Entries from {@code index} to the end of the log, at most maxBytes of them (≥ 1). */
  public List<Entry> entries(long index, long maxBytes) {
    long last = lastIndex();
    if (index > last) {
      return List.of();
    }
    return slice(index, last + 1, maxBytes);
  }

  /** The §5.4.1 check: is a log ending at (lastIndex, lastTerm) at least as up to date? */
  public boolean isUpToDate(long lastIndex, long lastTerm) {
    long ourTerm = lastTerm();
    return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
  }

  /**
   * Commits up to maxIndex if the entry there is of the given (current) term: §5.4.2, a leader
   * never commits an entry of an older term by counting replicas.
   */
  public boolean maybeCommit(long maxIndex, long term) {
    if (maxIndex > committed && termOrZero(maxIndex) == term) {
      commitTo(maxIndex);
      return true;
    }
    return false;
  }

  /** Replaces the whole log with a snapshot; it becomes unstable until persisted. */
  public void restore(Snapshot snapshot) {
    committed = snapshot.getMetadata().getIndex();
    unstable.restore(snapshot);
  }

  /**
   * Entries in [lo, hi) bounded by maxBytes (at least one), read from storage and the unstable tail
   * as needed. The list is the caller's.
   */
  public List<Entry> slice(long lo, long hi, long maxBytes) {
    checkBounds(lo, hi);
    if (lo == hi) {
      return List.of();
    }
    long offset = unstable.offset();
    if (lo >= offset) {
      return new ArrayList<>(EntrySizes.limit(unstable.slice(lo, hi), maxBytes));
    }
    List<Entry> stored = storage.entries(lo, Math.min(hi, offset), maxBytes);
    if (stored.size() < Math.min(hi, offset) - lo || hi <= offset) {
      return stored;
    }
    ArrayList<Entry> combined = new ArrayList<>(stored);
    long size = EntrySizes.serialized(stored);
    List<Entry> fromUnstable = unstable.slice(offset, hi);
    for (int i = 0; i < fromUnstable.size(); i++) {
      Entry e = fromUnstable.get(i);
      size += e.getSerializedSize();
      if (size > maxBytes) {
        break;
      }
      combined.add(e);
    }
    return combined;
  }

  private void checkBounds(long lo, long hi) {
    if (lo > hi) {
      throw new IllegalArgumentException("invalid slice " + lo + " > " + hi);
    }
    long first = firstIndex();
    if (lo < first) {
      throw new CompactedException(lo, first);
    }
    long last = lastIndex();
    if (hi > last + 1) {
      throw new LogUnavailableException(hi - 1, last);
    }
  }

  @Override
  public String toString() {
    return "RaftLog{committed="
        + committed
        + ", applying="
        + applying
        + ", applied="
        + applied
        + ", unstable.offset="
        + unstable.offset()
        + ", unstable.entries="
        + unstable.entries().size()
        + "}";
  }
}
