package dev.raftboot.core.log;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log that is not yet in stable storage: entries (and possibly an incoming
 * snapshot) the application has been handed in a Ready but has not confirmed persisted.
 *
 * <p>{@code entries.get(i)} has index {@code offset + i}. When a snapshot is present, {@code
 * offset} is the snapshot's index + 1.
 *
 * <p>Entries from {@code offset} up to {@code offsetInProgress} were handed out in a Ready and are
 * being written; the rest have not been handed out yet (asynchronous storage writes let a node take
 * the next Ready before the last one's write is done, and must not write an entry twice).
 */
final class Unstable {
  private Snapshot snapshot;
  private boolean snapshotInProgress;
  private ArrayList<Entry> entries = new ArrayList<>();
  private long offset;
  private long offsetInProgress;

  Unstable(long offset) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  long offset() {
    return offset;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  List<Entry> entries() {
    return entries;
  }

  /** The entries not yet handed out for writing. */
  List<Entry> nextEntries() {
    int inProgress = (int) (offsetInProgress - offset);
    return inProgress >= entries.size() ? List.of() : entries.subList(inProgress, entries.size());
  }

  boolean hasNextEntries() {
    return offsetInProgress - offset < entries.size();
  }

  /** The snapshot, if it was not handed out for writing yet. */
  Snapshot nextSnapshot() {
    return snapshotInProgress ? null : snapshot;
  }

  /** Everything held now was handed out for writing (in a Ready). */
  void acceptInProgress() {
    if (!entries.isEmpty()) {
      offsetInProgress = offset + entries.size();
    }
    if (snapshot != null) {
      snapshotInProgress = true;
    }
  }

  /** The first index known only from an unstable snapshot, or 0 when there is none. */
  long maybeFirstIndex() {
    return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : 0;
  }

  /** The last index held here, or -1 when nothing is. */
  long maybeLastIndex() {
    if (!entries.isEmpty()) {
      return offset + entries.size() - 1;
    }
    if (snapshot != null) {
      return snapshot.getMetadata().getIndex();
    }
    return -1;
  }

  /** The term at index if known here, else -1. */
  long maybeTerm(long index) {
    if (index < offset) {
      if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
        return snapshot.getMetadata().getTerm();
      }
      return -1;
    }
    long last = maybeLastIndex();
    if (last < 0 || index > last) {
      return -1;
    }
    return entries.get((int) (index - offset)).getTerm();
  }

  /**
   * Entries up to (index, term) are now stable. Ignored if the entry there has since been replaced
   * with one of another term (a newer leader overwrote it while it was being written).
   */
  boolean stableTo(long index, long term) {
    long t = maybeTerm(index);
    if (t < 0 || t != term || index < offset) {
      return false;
    }
    int n = (int) (index + 1 - offset);
    if (n == entries.size()) {
      entries = new ArrayList<>();
    } else {
      entries = new ArrayList<>(entries.subList(n, entries.size()));
    }
    offset = index + 1;
    offsetInProgress = Math.max(offsetInProgress, offset);
    return true;
  }

  void stableSnapTo(long index) {
    if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
      snapshot = null;
      snapshotInProgress = false;
    }
  }

  void restore(Snapshot snap) {
    offset = snap.getMetadata().getIndex() + 1;
    offsetInProgress = offset;
    entries = new ArrayList<>();
    snapshot = snap;
    snapshotInProgress = false;
  }

  void truncateAndAppend(List<Entry> ents) {
    long after = ents.get(0).getIndex();
    if (after == offset + entries.size()) {
      entries.addAll(ents);
    } else if (after <= offset) {
      // The new entries replace everything unstable (and possibly part of stable storage,
      // which the application overwrites when it persists them).
      offset = after;
      offsetInProgress = offset;
      entries = new ArrayList<>(ents);
    } else {
      ArrayList<Entry> kept = new ArrayList<>(entries.subList(0, (int) (after - offset)));
      kept.addAll(ents);
      entries = kept;
      // Replaced entries that were being written are written again, in their new version.
      offsetInProgress = Math.min(offsetInProgress, after);
    }
  }

  /** Entries in [lo, hi), which must lie within what is held here. */
  List<Entry> slice(long lo, long hi) {
    long upper = offset + entries.size();
    if (lo > hi || lo < offset || hi > upper) {
      throw new IllegalStateException(
          "unstable.slice[" + lo + "," + hi + ") out of bound [" + offset + "," + upper + "]");
    }
    return entries.subList((int) (lo - offset), (int) (hi - offset));
  }
}
