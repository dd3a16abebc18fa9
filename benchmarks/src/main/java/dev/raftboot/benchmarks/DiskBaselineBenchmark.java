package dev.raftboot.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The physical limits of the disk under {@code -Draft.bench.dir}, measured the way {@link
 * RocksDbAppendBenchmark} uses it, so the two can be compared. One operation is one write plus
 * {@code FileChannel.force(false)} (fdatasync): the primary score is syncs per second, {@code
 * bytes} is bytes per second.
 *
 * <ul>
 *   <li>{@code syncAppend}: 128 bytes appended to a growing file. Each sync also commits the new
 *       file size (a journal write on ext4), as for a write-ahead log that grows.
 *   <li>{@code syncOverwrite}: 128 bytes written in order over a file already allocated and synced,
 *       wrapping every 1 MiB: the sync rate without any metadata to commit, the best a log that
 *       reuses its files can do.
 *   <li>{@code sequentialWrite}: 1 MiB blocks written in order over a preallocated 256 MiB file:
 *       the synced sequential write bandwidth, the ceiling of any batch size.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class DiskBaselineBenchmark {
  private static final int RECORD_BYTES = 128;
  private static final int OVERWRITE_FILE_BYTES = 1 << 20;
  private static final int BLOCK_BYTES = 1 << 20;
  private static final long SEQUENTIAL_FILE_BYTES = 256L << 20;

  /** Bytes written, reported by JMH as a rate next to the primary score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Counters {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  private Path dir;
  private FileChannel appendFile;
  private FileChannel overwriteFile;
  private FileChannel sequentialFile;
  private final ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
  private final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_BYTES);
  private long overwritePosition;
  private long sequentialPosition;

  @Setup(Level.Trial)
  public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
    dir = BenchDirs.create("disk-baseline-");
    appendFile = open("sync-append");
    overwriteFile = open("sync-overwrite");
    sequentialFile = open("sequential");
    String method = params.getBenchmark();
    if (method.endsWith("syncOverwrite")) {
      preallocate(overwriteFile, OVERWRITE_FILE_BYTES);
    } else if (method.endsWith("sequentialWrite")) {
      preallocate(sequentialFile, SEQUENTIAL_FILE_BYTES);
    }
  }

  private FileChannel open(String name) throws IOException {
    return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /** Writes the whole file once and syncs it, so later writes overwrite allocated blocks. */
  private void preallocate(FileChannel file, long size) throws IOException {
    for (long pos = 0; pos < size; pos += BLOCK_BYTES) {
      block.clear();
      while (block.hasRemaining()) {
        file.write(block, pos + block.position());
      }
    }
    file.force(true);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    appendFile.close();
    overwriteFile.close();
    sequentialFile.close();
    BenchDirs.delete(dir);
  }

  @Benchmark
  public long syncAppend(Counters counters) throws IOException {
    record.clear();
    appendFile.write(record);
    appendFile.force(false);
    counters.bytes += RECORD_BYTES;
    return appendFile.position();
  }

  @Benchmark
  public long syncOverwrite(Counters counters) throws IOException {
    record.clear();
    overwriteFile.write(record, overwritePosition);
    overwriteFile.force(false);
    overwritePosition = (overwritePosition + RECORD_BYTES) % OVERWRITE_FILE_BYTES;
    counters.bytes += RECORD_BYTES;
    return overwritePosition;
  }

  @Benchmark
  public long sequentialWrite(Counters counters) throws IOException {
    block.clear();
    while (block.hasRemaining()) {
      sequentialFile.write(block, sequentialPosition + block.position());
    }
    sequentialFile.force(false);
    sequentialPosition = (sequentialPosition + BLOCK_BYTES) % SEQUENTIAL_FILE_BYTES;
    counters.bytes += BLOCK_BYTES;
    return sequentialPosition;
  }
}
