package dev.raftboot.benchmarks;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.ReadOnlyOption;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The consensus module's cost of one linearizable read point (ReadIndex): from the request to the
 * ReadState, on the leader or forwarded from a follower, with a heartbeat round (SAFE) or the
 * leader's lease (LEASE_BASED). Three voters, one thread, instant delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ReadIndexBenchmark {
  @Param({"SAFE", "LEASE_BASED"})
  public ReadOnlyOption mode;

  private InMemoryCluster cluster;
  private long next;

  @Setup(Level.Trial)
  public void setUp() {
    RaftConfig.Builder config =
        RaftConfig.builder()
            .electionTick(10)
            .heartbeatTick(1)
            .checkQuorum(true)
            .readOnlyOption(mode);
    cluster = new InMemoryCluster(3, 0, config);
  }

  @Benchmark
  public long readIndexOnLeader() {
    cluster.leader().readIndex(ByteBuffer.allocate(8).putLong(next++).array());
    cluster.pump();
    return cluster.readStates;
  }

  @Benchmark
  public long readIndexOnFollower() {
    cluster.nodes[1].readIndex(ByteBuffer.allocate(8).putLong(next++).array());
    cluster.pump();
    return cluster.readStates;
  }
}
