package dev.raftboot.benchmarks;

import dev.raftboot.core.RaftConfig;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Committed entries per second of the consensus module alone: one leader and two followers (and
 * optionally learners) in one thread, in-memory storage, 128-byte entries. Each operation is one
 * committed entry; proposals are batched {@code batch} at a time into one Ready round.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ReplicationBenchmark -prof gc}; the
 * {@code gc.alloc.rate.norm} column is then bytes allocated per committed entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ReplicationBenchmark {
  private static final int BATCH = 256;

  @Param({"0", "2"})
  public int learners;

  /** Coalesce the appends of one Ready into one message per follower (RaftConfig). */
  @Param({"true"})
  public boolean batchAppend;

  private InMemoryCluster cluster;
  private byte[][] payloads;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    RaftConfig.Builder config =
        RaftConfig.builder()
            .electionTick(10)
            .heartbeatTick(1)
            .maxSizePerMsg(1 << 20)
            .batchAppend(batchAppend);
    cluster = new InMemoryCluster(3, learners, config);
    Random random = new Random(42);
    payloads = new byte[1024][128];
    for (byte[] p : payloads) {
      random.nextBytes(p);
    }
  }

  /** One proposal per Ready round: the per-entry cost without batching. */
  @Benchmark
  public long commitOneAtATime() {
    cluster.leader().propose(payloads[next++ & 1023]);
    cluster.pump();
    return cluster.appliedOnLeader;
  }

  /** {@value #BATCH} commands proposed as one batch (one append, one round of messages). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long commitProposalBatch() {
    for (int i = 0; i < BATCH; i++) {
      batch.set(i, payloads[next++ & 1023]);
    }
    cluster.leader().propose(batch);
    cluster.pump();
    return cluster.appliedOnLeader;
  }

  private final java.util.List<byte[]> batch =
      new java.util.ArrayList<>(java.util.Collections.nCopies(BATCH, new byte[0]));

  /** {@value #BATCH} proposals drained into one Ready round, as a runtime batches them. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long commitBatched() {
    for (int i = 0; i < BATCH; i++) {
      cluster.leader().propose(payloads[next++ & 1023]);
    }
    cluster.pump();
    return cluster.appliedOnLeader;
  }
}
