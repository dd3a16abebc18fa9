package dev.raftboot.storage;

import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;

/**
 * How a {@link RocksDbStore} configures RocksDB. The defaults suit a Raft log: entries are written
 * once in index order, read back mostly from the recent tail, and deleted in ranges.
 *
 * <ul>
 *   <li>No compression on the log column family: entries are usually already-encoded commands,
 *       short-lived (compacted after the next snapshot), and compression costs CPU on the
 *       latency-critical write path for little space.
 *   <li>A 64 MiB write buffer, so a burst of appends is absorbed in memory and flushed in large
 *       sorted runs.
 *   <li>The write-ahead log stays on: it is what makes a synced write durable.
 *   <li>Write-ahead log files are recycled (4 kept for reuse): a recycled file is overwritten in
 *       place, so the fdatasync after each write flushes data only, instead of also committing the
 *       file's new size (a journal write on ext4, about a third of a small sync's latency on the
 *       build VM). RocksDB stamps every record of a recycled file with the file's number, so the
 *       previous contents are never replayed; recovery is point-in-time: it keeps every record up
 *       to the first torn or stale one, and a synced write is always before that point.
 *   <li>A cap on the total WAL size: the small metadata column family is written rarely, and
 *       without a cap its memtable would pin old WAL files forever.
 * </ul>
 *
 * Anything else can be set through the customizers, which run last and so win.
 */
public final class RocksDbStoreOptions {
  private final long logWriteBufferBytes;
  private final int maxWriteBufferNumber;
  private final long maxTotalWalBytes;
  private final int maxBackgroundJobs;
  private final long tailCacheBytesPerGroup;
  private final int recycledWalFiles;
  private final CompressionType logCompression;
  private final boolean createIfMissing;
  private final Consumer<DBOptions> dbCustomizer;
  private final Consumer<ColumnFamilyOptions> logColumnFamilyCustomizer;

  private RocksDbStoreOptions(Builder b) {
    this.logWriteBufferBytes = b.logWriteBufferBytes;
    this.maxWriteBufferNumber = b.maxWriteBufferNumber;
    this.maxTotalWalBytes = b.maxTotalWalBytes;
    this.maxBackgroundJobs = b.maxBackgroundJobs;
    this.tailCacheBytesPerGroup = b.tailCacheBytesPerGroup;
    this.recycledWalFiles = b.recycledWalFiles;
    this.logCompression = b.logCompression;
    this.createIfMissing = b.createIfMissing;
    this.dbCustomizer = b.dbCustomizer;
    this.logColumnFamilyCustomizer = b.logColumnFamilyCustomizer;
  }

  /** The defaults described above. */
  public static RocksDbStoreOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public long logWriteBufferBytes() {
    return logWriteBufferBytes;
  }

  public int maxWriteBufferNumber() {
    return maxWriteBufferNumber;
  }

  public long maxTotalWalBytes() {
    return maxTotalWalBytes;
  }

  public int maxBackgroundJobs() {
    return maxBackgroundJobs;
  }

  /** Bytes of recent entries each group keeps in memory to serve reads without RocksDB. */
  public long tailCacheBytesPerGroup() {
    return tailCacheBytesPerGroup;
  }

  /** Obsolete write-ahead log files kept to be overwritten by new ones (0: none). */
  public int recycledWalFiles() {
    return recycledWalFiles;
  }

  public CompressionType logCompression() {
    return logCompression;
  }

  public boolean createIfMissing() {
    return createIfMissing;
  }

  Consumer<DBOptions> dbCustomizer() {
    return dbCustomizer;
  }

  Consumer<ColumnFamilyOptions> logColumnFamilyCustomizer() {
    return logColumnFamilyCustomizer;
  }

  /** Builds {@link RocksDbStoreOptions}; every setter validates its argument at once. */
  public static final class Builder {
    private long logWriteBufferBytes = 64L << 20;
    private int maxWriteBufferNumber = 4;
    private long maxTotalWalBytes = 256L << 20;
    private int maxBackgroundJobs = 2;
    private long tailCacheBytesPerGroup = 4L << 20;
    private int recycledWalFiles = 4;
    private CompressionType logCompression = CompressionType.NO_COMPRESSION;
    private boolean createIfMissing = true;
    private Consumer<DBOptions> dbCustomizer = o -> {};
    private Consumer<ColumnFamilyOptions> logColumnFamilyCustomizer = o -> {};

    private Builder() {}

    public Builder logWriteBufferBytes(long bytes) {
      this.logWriteBufferBytes = positive("logWriteBufferBytes", bytes);
      return this;
    }

    public Builder maxWriteBufferNumber(int n) {
      this.maxWriteBufferNumber = (int) positive("maxWriteBufferNumber", n);
      return this;
    }

    public Builder maxTotalWalBytes(long bytes) {
      this.maxTotalWalBytes = positive("maxTotalWalBytes", bytes);
      return this;
    }

    public Builder maxBackgroundJobs(int n) {
      this.maxBackgroundJobs = (int) positive("maxBackgroundJobs", n);
      return this;
    }

    /** 0 disables the cache: every read goes to RocksDB. */
    public Builder tailCacheBytesPerGroup(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("tailCacheBytesPerGroup must be >= 0: " + bytes);
      }
      this.tailCacheBytesPerGroup = bytes;
      return this;
    }

    /** 0 turns recycling off: every new write-ahead log file is a new, growing file. */
    public Builder recycledWalFiles(int files) {
      if (files < 0) {
        throw new IllegalArgumentException("recycledWalFiles must be >= 0: " + files);
      }
      this.recycledWalFiles = files;
      return this;
    }

    public Builder logCompression(CompressionType type) {
      this.logCompression = java.util.Objects.requireNonNull(type, "logCompression");
      return this;
    }

    /** Whether opening a directory without a store creates one (false for tools). */
    public Builder createIfMissing(boolean create) {
      this.createIfMissing = create;
      return this;
    }

    /** Runs on the DB options after the defaults are set. */
    public Builder dbOptions(Consumer<DBOptions> customizer) {
      this.dbCustomizer = java.util.Objects.requireNonNull(customizer, "dbOptions");
      return this;
    }

    /** Runs on the log column family's options after the defaults are set. */
    public Builder logColumnFamilyOptions(Consumer<ColumnFamilyOptions> customizer) {
      this.logColumnFamilyCustomizer =
          java.util.Objects.requireNonNull(customizer, "logColumnFamilyOptions");
      return this;
    }

    public RocksDbStoreOptions build() {
      return new RocksDbStoreOptions(this);
    }

    private static long positive(String field, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(field + " must be > 0: " + value);
      }
      return value;
    }
  }
}
