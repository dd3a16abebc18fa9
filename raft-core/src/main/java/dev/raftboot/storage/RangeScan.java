package dev.raftboot.storage;

import java.util.concurrent.locks.Lock;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * An iterator over {@code [from, to)} of one column family that owns and closes every native object
 * it creates (read options, bound slice, iterator) and holds the store open while it lives. The
 * upper bound is given to RocksDB, so the scan never reads past the range, even over range
 * tombstones.
 */
final class RangeScan implements AutoCloseable {
  private final RocksDbStore store;
  private final Lock lifecycle;
  private final ReadOptions readOptions;
  private final Slice upper;
  private final RocksIterator it;

  /** Positions the scan at the first key ≥ {@code from}; {@code to} null means no upper bound. */
  RangeScan(RocksDbStore store, RocksDbStore.Column column, byte[] from, byte[] to) {
    this.store = store;
    this.lifecycle = store.enter();
    ReadOptions ro = null;
    Slice up = null;
    RocksIterator iter = null;
    try {
      ro = new ReadOptions();
      if (to != null) {
        up = new Slice(to);
        ro.setIterateUpperBound(up);
      }
      iter = store.db().newIterator(store.handle(column), ro);
      iter.seek(from);
    } catch (RuntimeException e) {
      closeQuietly(iter, up, ro);
      lifecycle.unlock();
      throw e;
    }
    this.readOptions = ro;
    this.upper = up;
    this.it = iter;
  }

  boolean valid() {
    if (it.isValid()) {
      return true;
    }
    try {
      it.status(); // an invalid iterator is either at the end or failed: tell them apart
    } catch (RocksDBException e) {
      throw new StorageException("read failed in " + store.dataDir() + ": " + e.getMessage(), e);
    }
    return false;
  }

  byte[] key() {
    return it.key();
  }

  byte[] value() {
    return it.value();
  }

  void next() {
    it.next();
  }

  void seek(byte[] key) {
    it.seek(key);
  }

  /** Moves to the last key of the range (below the upper bound). */
  void seekToLast() {
    it.seekToLast();
  }

  @Override
  public void close() {
    try {
      closeQuietly(it, upper, readOptions);
    } finally {
      lifecycle.unlock();
    }
  }

  private static void closeQuietly(RocksIterator it, Slice upper, ReadOptions ro) {
    if (it != null) {
      it.close();
    }
    if (upper != null) {
      upper.close();
    }
    if (ro != null) {
      ro.close();
    }
  }
}
