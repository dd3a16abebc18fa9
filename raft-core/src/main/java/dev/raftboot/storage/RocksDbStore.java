package dev.raftboot.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB instance per node, shared by every Raft group the node runs. Each group reads and
 * writes through its own {@link RocksDbLogStorage} view ({@link #group}); several groups' writes
 * can go to disk in one synced write through a {@link RaftWriteBatch} ({@link #newBatch}).
 *
 * <p>Guarantees: a data directory is open in at most one store at a time (a second open, in this
 * process or another, fails with {@link StoreLockedException}); every write is atomic, and a write
 * that returned is on disk (synced); {@link #close} waits for operations in flight, releases every
 * native handle, and makes later operations fail with {@link IllegalStateException} instead of
 * crashing the JVM on a freed handle.
 *
 * <p>Two column families: {@code raft_log} for entries (tuned for an append-only log) and the
 * default one for the few metadata records of each group.
 */
public final class RocksDbStore implements AutoCloseable {
  static {
    // Extracts and loads the native library once per JVM; every store after the first reuses it.
    RocksDB.loadLibrary();
  }

  /** The column families, in the order they are opened. */
  enum Column {
    META,
    LOG
  }

  // The LOCK file named in RocksDB's message when another store holds the directory.
  private static final Pattern LOCK_FILE = Pattern.compile("[/\\\\]LOCK(:|\\s|$)");
  private static final byte[] LOG_CF_NAME =
      "raft_log".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final Path dataDir;
  private final RocksDbStoreOptions options;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions metaCfOptions;
  private final ColumnFamilyOptions logCfOptions;
  private final WriteOptions syncWrites;
  private final WriteOptions unsyncedWrites;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final int[] familyIds;
  private final Map<String, RocksDbLogStorage> groups = new ConcurrentHashMap<>();
  // Read side: any operation touching native handles; write side: close. Without it a read racing
  // close would use a freed handle, which crashes the JVM rather than throwing.
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private RocksDbStore(
      Path dataDir,
      RocksDbStoreOptions options,
      DBOptions dbOptions,
      ColumnFamilyOptions metaCfOptions,
      ColumnFamilyOptions logCfOptions,
      RocksDB db,
      List<ColumnFamilyHandle> handles) {
    this.dataDir = dataDir;
    this.options = options;
    this.dbOptions = dbOptions;
    this.metaCfOptions = metaCfOptions;
    this.logCfOptions = logCfOptions;
    this.db = db;
    this.handles = handles;
    this.familyIds = handles.stream().mapToInt(ColumnFamilyHandle::getID).toArray();
    this.syncWrites = new WriteOptions().setSync(true);
    this.unsyncedWrites = new WriteOptions().setSync(false);
  }

  /** Opens (creating if needed) the store in {@code dataDir} with the default options. */
  public static RocksDbStore open(Path dataDir) {
    return open(dataDir, RocksDbStoreOptions.defaults());
  }

  /**
   * Opens the store in {@code dataDir}.
   *
   * @throws StoreLockedException if the directory is open elsewhere
   * @throws StorageException if RocksDB cannot open it for any other reason
   */
  public static RocksDbStore open(Path dataDir, RocksDbStoreOptions options) {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!options.createIfMissing() && !Files.exists(dir.resolve("CURRENT"))) {
      throw new StorageException("no store in " + dir + " (no RocksDB CURRENT file)");
    }
    DBOptions dbOptions = new DBOptions();
    ColumnFamilyOptions metaCf = new ColumnFamilyOptions();
    ColumnFamilyOptions logCf = new ColumnFamilyOptions();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      configure(options, dbOptions, metaCf, logCf);
      List<ColumnFamilyDescriptor> descriptors =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaCf),
              new ColumnFamilyDescriptor(LOG_CF_NAME, logCf));
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      return new RocksDbStore(dir, options, dbOptions, metaCf, logCf, db, handles);
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      logCf.close();
      metaCf.close();
      dbOptions.close();
      if (isLockError(e)) {
        throw new StoreLockedException(dir, e);
      }
      throw new StorageException("cannot open store in " + dir + ": " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      logCf.close();
      metaCf.close();
      dbOptions.close();
      throw new StorageException("cannot create data directory " + dir, e);
    }
  }

  private static void configure(
      RocksDbStoreOptions o, DBOptions db, ColumnFamilyOptions meta, ColumnFamilyOptions log) {
    db.setCreateIfMissing(o.createIfMissing())
        .setCreateMissingColumnFamilies(true)
        .setMaxTotalWalSize(o.maxTotalWalBytes())
        .setRecycleLogFileNum(o.recycledWalFiles())
        // RocksDB's default, set because recycling depends on it (RocksDB turns recycling off
        // under the other modes): replay stops at the first torn or stale record.
        .setWalRecoveryMode(org.rocksdb.WALRecoveryMode.PointInTimeRecovery)
        .setMaxBackgroundJobs(o.maxBackgroundJobs())
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setKeepLogFileNum(5);
    // Metadata is a handful of small records per group: a small buffer, no compression.
    meta.setWriteBufferSize(4L << 20)
        .setCompressionType(org.rocksdb.CompressionType.NO_COMPRESSION);
    log.setWriteBufferSize(o.logWriteBufferBytes())
        .setMaxWriteBufferNumber(o.maxWriteBufferNumber())
        .setCompressionType(o.logCompression())
        .setBottommostCompressionType(o.logCompression());
    o.dbCustomizer().accept(db);
    o.logColumnFamilyCustomizer().accept(log);
  }

  /**
   * Whether opening failed on the directory's LOCK file (another store has it open): an I/O error
   * naming that file. Not any message that says "lock": a corrupt block's "block checksum
   * mismatch", or a path like {@code /mnt/block-storage}, must not read as a locked directory.
   */
  private static boolean isLockError(RocksDBException e) {
    org.rocksdb.Status status = e.getStatus();
    if (status != null && status.getCode() != org.rocksdb.Status.Code.IOError) {
      return false;
    }
    return LOCK_FILE.matcher(String.valueOf(e.getMessage())).find();
  }

  /** The directory this store lives in (absolute). */
  public Path dataDir() {
    return dataDir;
  }

  public RocksDbStoreOptions options() {
    return options;
  }

  /**
   * The log storage of one group, loading its state on first use. The same view is returned for the
   * same id for as long as the store is open: it caches the group's state, so there must be only
   * one.
   *
   * @throws StorageCorruptionException if the group's stored state fails verification
   */
  public RocksDbLogStorage group(String groupId) {
    checkOpen();
    return groups.computeIfAbsent(groupId, id -> RocksDbLogStorage.load(this, id));
  }

  /** The ids of every group with anything stored, sorted. */
  public List<String> groupIds() {
    TreeSet<String> ids = new TreeSet<>();
    try (var scan = new RangeScan(this, Column.META, new byte[0], null)) {
      collectGroups(scan, ids);
    }
    try (var scan = new RangeScan(this, Column.LOG, new byte[0], null)) {
      collectGroups(scan, ids);
    }
    return new ArrayList<>(ids);
  }

  private static void collectGroups(RangeScan scan, TreeSet<String> ids) {
    while (scan.valid()) {
      String id = Keys.groupOf(scan.key());
      if (id == null) {
        scan.next();
        continue;
      }
      ids.add(id);
      // Skip the rest of this group's keys: one seek per group, not one step per entry.
      scan.seek(Keys.groupEnd(Keys.groupPrefix(id)));
    }
  }

  /** A batch for one synced write covering any number of groups. */
  public RaftWriteBatch newBatch() {
    checkOpen();
    return new RaftWriteBatch(this);
  }

  byte[] get(Column column, byte[] key) {
    Lock lock = enter();
    try {
      return db.get(handle(column), key);
    } catch (RocksDBException e) {
      throw new StorageException("read failed in " + dataDir + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Writes a batch atomically and syncs the WAL before returning. */
  void write(WriteBatch batch) {
    write(batch, true);
  }

  /**
   * Writes a batch atomically; with {@code sync} the WAL is synced before returning, without it the
   * write reaches the disk with the next synced write (or is lost in a crash before that).
   */
  void write(WriteBatch batch, boolean sync) {
    Lock lock = enter();
    try {
      db.write(sync ? syncWrites : unsyncedWrites, batch);
    } catch (RocksDBException e) {
      throw new StorageException("write failed in " + dataDir + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Writes one raw value, bypassing the record envelope: for tools and corruption tests. */
  void putRaw(Column column, byte[] key, byte[] value) {
    try (WriteBatch b = new WriteBatch()) {
      b.put(handle(column), key, value);
      write(b);
    } catch (RocksDBException e) {
      throw new StorageException("write failed in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  ColumnFamilyHandle handle(Column column) {
    return handles.get(column.ordinal());
  }

  /** RocksDB's id of a column family, as written in a serialized batch ({@link BatchEncoder}). */
  int familyId(Column column) {
    return familyIds[column.ordinal()];
  }

  RocksDB db() {
    return db;
  }

  /** Takes the lifecycle read lock; the caller unlocks it. */
  Lock enter() {
    Lock lock = lifecycle.readLock();
    lock.lock();
    if (closed) {
      lock.unlock();
      throw new IllegalStateException("store " + dataDir + " is closed");
    }
    return lock;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store " + dataDir + " is closed");
    }
  }

  /** Closes the database and every native object the store created. Idempotent. */
  @Override
  public void close() {
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      handles.forEach(ColumnFamilyHandle::close);
      // closeE surfaces a failed final flush instead of swallowing it as close() would.
      try {
        db.closeE();
      } catch (RocksDBException e) {
        throw new StorageException("closing store " + dataDir + " failed: " + e.getMessage(), e);
      } finally {
        syncWrites.close();
        unsyncedWrites.close();
        logCfOptions.close();
        metaCfOptions.close();
        dbOptions.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
