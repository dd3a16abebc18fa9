package dev.raftboot.benchmarks;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends to {@link RocksDbLogStorage}: 128-byte entries, one synced write (one fsync) per
 * batch, as the node runtime persists a Ready. Scores are entries per second (each method declares
 * its batch size as operations per invocation), so the three batch sizes show what group commit
 * buys. {@code fsyncBaseline} is the disk's raw rate of small write + {@code force} on a plain file
 * in the same directory: the ceiling for batch size 1.
 *
 * <p>The store lives under {@code -Draft.bench.dir} (default: the JVM temp dir); put it on the disk
 * you want to measure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RocksDbAppendBenchmark {
  private static final ByteString PAYLOAD = ByteString.copyFrom(new byte[128]);

  private Path dir;
  private RocksDbStore store;
  private RocksDbLogStorage log;
  private FileChannel baseline;
  private final ByteBuffer baselineRecord = ByteBuffer.allocate(128);
  private long next = 1;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path parent =
        Path.of(System.getProperty("raft.bench.dir", System.getProperty("java.io.tmpdir")));
    dir = Files.createTempDirectory(parent, "rocksdb-append-");
    store = RocksDbStore.open(dir.resolve("db"));
    log = store.group("bench");
    baseline =
        FileChannel.open(
            dir.resolve("fsync-baseline"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    baseline.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private long appendBatch(int size) {
    List<Entry> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(Entry.newBuilder().setIndex(next++).setTerm(1).setData(PAYLOAD).build());
    }
    long last = next - 1;
    log.persist(HardState.newBuilder().setTerm(1).setVote(1).setCommit(last).build(), batch, null);
    return last;
  }

  @Benchmark
  @OperationsPerInvocation(1)
  public long appendBatchOf1() {
    return appendBatch(1);
  }

  @Benchmark
  @OperationsPerInvocation(16)
  public long appendBatchOf16() {
    return appendBatch(16);
  }

  @Benchmark
  @OperationsPerInvocation(256)
  public long appendBatchOf256() {
    return appendBatch(256);
  }

  /** One 128-byte append and fsync per operation on a plain file: the disk's sync rate. */
  @Benchmark
  public long fsyncBaseline() throws IOException {
    baselineRecord.clear();
    baseline.write(baselineRecord);
    baseline.force(false);
    return baseline.position();
  }
}
