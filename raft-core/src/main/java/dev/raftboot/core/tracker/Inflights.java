package dev.raftboot.core.tracker;

/**
 * The append messages sent to one follower and not yet acknowledged, as a ring buffer of (last
 * index, bytes). Bounds both the count and the bytes in flight, so a slow follower never makes the
 * leader buffer without limit.
 */
public final class Inflights {
  private final int capacity;
  private final long maxBytes;
  private long[] indexes;
  private long[] sizes;
  private int start;
  private int count;
  private long bytes;

  public Inflights(int capacity, long maxBytes) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    // Grown on demand: most followers never fill a large window.
    this.indexes = new long[Math.min(capacity, 16)];
    this.sizes = new long[indexes.length];
  }

  /** A fresh, empty window with the same limits. */
  public Inflights cloneEmpty() {
    return new Inflights(capacity, maxBytes);
  }

  /** Records a message whose last entry is {@code index}, carrying {@code size} entry bytes. */
  public void add(long index, long size) {
    if (full()) {
      throw new IllegalStateException("cannot add into a full inflights window");
    }
    int next = start + count;
    if (next >= capacity) {
      next -= capacity;
    }
    if (next >= indexes.length) {
      grow();
    }
    indexes[next] = index;
    sizes[next] = size;
    count++;
    bytes += size;
  }

  private void grow() {
    int newSize = Math.min(capacity, indexes.length * 2);
    long[] newIndexes = new long[newSize];
    long[] newSizes = new long[newSize];
    System.arraycopy(indexes, 0, newIndexes, 0, indexes.length);
    System.arraycopy(sizes, 0, newSizes, 0, sizes.length);
    indexes = newIndexes;
    sizes = newSizes;
  }

  /** Frees every message whose last index is ≤ {@code to}: they have been acknowledged. */
  public void freeLE(long to) {
    if (count == 0 || to < indexes[start]) {
      return;
    }
    int idx = start;
    int i = 0;
    long freedBytes = 0;
    for (; i < count; i++) {
      if (to < indexes[idx]) {
        break;
      }
      freedBytes += sizes[idx];
      idx++;
      if (idx >= capacity) {
        idx -= capacity;
      }
    }
    count -= i;
    bytes -= freedBytes;
    start = idx;
    if (count == 0) {
      start = 0;
    }
  }

  /** Frees the oldest message: a heartbeat answer shows the follower is alive again. */
  public void freeFirstOne() {
    if (count > 0) {
      freeLE(indexes[start]);
    }
  }

  public boolean full() {
    return count == capacity || (maxBytes != Long.MAX_VALUE && bytes >= maxBytes);
  }

  public int count() {
    return count;
  }

  public long bytes() {
    return bytes;
  }

  public void reset() {
    start = 0;
    count = 0;
    bytes = 0;
  }
}
