package dev.raftboot.storage;

import dev.raftboot.proto.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent entries of one group's log, bounded in serialized bytes, so that the reads a
 * healthy cluster makes (replicating and applying what was just appended) never touch RocksDB.
 *
 * <p>Invariant: the cache holds a contiguous run of entries ending at the log's last index, or
 * nothing. Appends keep it that way (a conflicting suffix is dropped first); eviction only removes
 * the oldest entries. Not thread-safe: its view guards it.
 */
final class TailCache {
  private final long maxBytes;
  private final ArrayList<Entry> entries = new ArrayList<>();
  private int head; // entries before head are evicted; compacted away in bulk to stay O(1)
  private long bytes;

  TailCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Index of the oldest cached entry, or {@link Long#MAX_VALUE} when empty. */
  long firstIndex() {
    return head < entries.size() ? entries.get(head).getIndex() : Long.MAX_VALUE;
  }

  /** The cached entry at {@code index}, or null. */
  Entry get(long index) {
    long first = firstIndex();
    if (index < first || index - first >= entries.size() - head) {
      return null;
    }
    return entries.get(head + (int) (index - first));
  }

  /**
   * Adds entries just written to the log; they start at or before the cached end (a conflicting
   * suffix is replaced), or right after it. Anything else means the cache no longer matches the
   * log's tail, so it starts over from these entries.
   */
  void append(List<Entry> appended) {
    if (appended.isEmpty() || maxBytes == 0) {
      return;
    }
    long from = appended.get(0).getIndex();
    long first = firstIndex();
    long end = first == Long.MAX_VALUE ? from : first + (entries.size() - head);
    if (from < first || from > end) {
      clear();
    } else {
      truncateFrom(from);
    }
    for (Entry e : appended) {
      entries.add(e);
      bytes += e.getSerializedSize();
    }
    evict();
  }

  /** Drops entries below {@code index} (compaction). */
  void dropBefore(long index) {
    while (head < entries.size() && entries.get(head).getIndex() < index) {
      bytes -= entries.get(head).getSerializedSize();
      head++;
    }
    pack();
  }

  void clear() {
    entries.clear();
    head = 0;
    bytes = 0;
  }

  long bytes() {
    return bytes;
  }

  private void truncateFrom(long index) {
    while (entries.size() > head && entries.get(entries.size() - 1).getIndex() >= index) {
      bytes -= entries.remove(entries.size() - 1).getSerializedSize();
    }
  }

  private void evict() {
    while (bytes > maxBytes && head < entries.size()) {
      bytes -= entries.get(head).getSerializedSize();
      head++;
    }
    pack();
  }

  private void pack() {
    if (head == entries.size()) {
      clear();
    } else if (head > 1024 && head > entries.size() / 2) {
      entries.subList(0, head).clear();
      head = 0;
    }
  }
}
