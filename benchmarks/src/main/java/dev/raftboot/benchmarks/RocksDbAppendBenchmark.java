package dev.raftboot.benchmarks;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.RocksDbStoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.VectorMemTableConfig;

/**
 * Durable appends to {@link RocksDbLogStorage}: one {@link RocksDbLogStorage#persist} of {@code
 * batch} 128-byte entries plus a hard state per operation, as the node runtime persists a Ready.
 *
 * <p>One operation is one synced write, so the primary score is <b>fsyncs per second</b>; the
 * secondary counters turn it into the other figures: {@code entries} is entries/s; {@code walBytes}
 * is the bytes RocksDB appended to its write-ahead log per second (the write batch: per entry the
 * key, the record envelope and the encoded {@code Entry}, plus RocksDB's per-record tag and
 * lengths) and {@code walSyncs} the syncs it made, both read from RocksDB's own statistics, so a
 * write that was not synced would show. {@code flushBytes} and {@code compactionBytes} are what
 * RocksDB wrote in the background meanwhile (memtable flushes, compactions).
 *
 * <p>Entries are built before each operation, outside the timed part: the score is the storage's,
 * not the protobuf builders'. The store lives under {@code -Draft.bench.dir} (default: the JVM temp
 * dir); put it on the disk you want to measure. {@link DiskBaselineBenchmark} measures that disk's
 * own limits, and {@link DurableLogReport} runs both and prints medians and ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class RocksDbAppendBenchmark {
  private static final ByteString PAYLOAD = ByteString.copyFrom(new byte[128]);

  /** Per-operation counters, reported by JMH as rates next to the primary score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Counters {
    public long entries;
    public long walBytes;
    public long walSyncs;
    public long flushBytes;
    public long compactionBytes;

    @Setup(Level.Iteration)
    public void reset() {
      entries = walBytes = walSyncs = flushBytes = compactionBytes = 0;
    }
  }

  @Param({"1", "16", "256"})
  public int batch;

  /**
   * Whether RocksDB keeps the statistics the counters are read from; {@code -p statistics=false}
   * measures the store without them (the counters then stay 0), to see what they cost.
   */
  @Param({"true"})
  public boolean statistics;

  /** {@link RocksDbStoreOptions#recycledWalFiles()}; {@code -p recycledWalFiles=0} turns it off. */
  @Param({"4"})
  public int recycledWalFiles;

  /**
   * The log column family's memtable: {@code skiplist} (RocksDB's default, the store's) or {@code
   * vector} (appends to an array, sorted on flush; needs concurrent memtable writes off).
   */
  @Param({"skiplist"})
  public String memtable;

  private Path dir;
  private Statistics rocksDbStatistics;
  private RocksDbStore store;
  private RocksDbLogStorage log;
  private long next = 1;
  private List<Entry> entries = List.of();
  private HardState hardState;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchDirs.create("rocksdb-append-");
    RocksDbStoreOptions.Builder options =
        RocksDbStoreOptions.builder().recycledWalFiles(recycledWalFiles);
    boolean vector = memtable.equals("vector");
    if (vector) {
      options.logColumnFamilyOptions(o -> o.setMemTableConfig(new VectorMemTableConfig()));
    }
    if (statistics) {
      rocksDbStatistics = new Statistics();
      // The cheapest level RocksJava offers.
      rocksDbStatistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
    }
    options.dbOptions(
        o -> {
          if (vector) {
            o.setAllowConcurrentMemtableWrite(false);
          }
          if (rocksDbStatistics != null) {
            o.setStatistics(rocksDbStatistics);
          }
        });
    store = RocksDbStore.open(dir.resolve("db"), options.build());
    log = store.group("bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    if (rocksDbStatistics != null) {
      rocksDbStatistics.close();
    }
    BenchDirs.delete(dir);
  }

  @Setup(Level.Invocation)
  public void prepareBatch() {
    List<Entry> next = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      next.add(Entry.newBuilder().setIndex(this.next++).setTerm(1).setData(PAYLOAD).build());
    }
    entries = next;
    hardState = HardState.newBuilder().setTerm(1).setVote(1).setCommit(this.next - 1).build();
  }

  @Benchmark
  public long persist(Counters counters) {
    if (rocksDbStatistics == null) {
      log.persist(hardState, entries, null);
      counters.entries += entries.size();
      return next;
    }
    long wal = ticker(TickerType.WAL_FILE_BYTES);
    long syncs = ticker(TickerType.WAL_FILE_SYNCED);
    long flushed = ticker(TickerType.FLUSH_WRITE_BYTES);
    long compacted = ticker(TickerType.COMPACT_WRITE_BYTES);
    log.persist(hardState, entries, null);
    counters.entries += entries.size();
    counters.walBytes += ticker(TickerType.WAL_FILE_BYTES) - wal;
    counters.walSyncs += ticker(TickerType.WAL_FILE_SYNCED) - syncs;
    counters.flushBytes += ticker(TickerType.FLUSH_WRITE_BYTES) - flushed;
    counters.compactionBytes += ticker(TickerType.COMPACT_WRITE_BYTES) - compacted;
    return next;
  }

  private long ticker(TickerType type) {
    return rocksDbStatistics.getTickerCount(type);
  }
}
