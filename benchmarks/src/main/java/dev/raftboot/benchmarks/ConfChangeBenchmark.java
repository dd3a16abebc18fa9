package dev.raftboot.benchmarks;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeTransition;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Configuration changes per second: node 4 is promoted from learner to voter and demoted back, one
 * change committed and applied on every node per operation — directly (one voter changes) or
 * through a joint configuration left automatically.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ConfChangeBenchmark {
  private static final ConfChangeV2 PROMOTE = change(ConfChangeType.ADD_NODE, false);
  private static final ConfChangeV2 DEMOTE = change(ConfChangeType.ADD_LEARNER_NODE, false);
  private static final ConfChangeV2 PROMOTE_JOINT = change(ConfChangeType.ADD_NODE, true);
  private static final ConfChangeV2 DEMOTE_JOINT = change(ConfChangeType.ADD_LEARNER_NODE, true);

  private InMemoryCluster cluster;
  private boolean promoted;

  @Setup(Level.Iteration)
  public void setUp() {
    cluster = new InMemoryCluster(3, 1, RaftConfig.builder().electionTick(10).heartbeatTick(1));
    promoted = false;
  }

  @Benchmark
  public long simpleChange() {
    cluster.leader().proposeConfChange(promoted ? DEMOTE : PROMOTE);
    promoted = !promoted;
    cluster.pump();
    return cluster.appliedOnLeader;
  }

  @Benchmark
  public long jointChange() {
    cluster.leader().proposeConfChange(promoted ? DEMOTE_JOINT : PROMOTE_JOINT);
    promoted = !promoted;
    cluster.pump();
    return cluster.appliedOnLeader;
  }

  private static ConfChangeV2 change(ConfChangeType type, boolean joint) {
    return ConfChangeV2.newBuilder()
        .setTransition(joint ? ConfChangeTransition.JOINT_IMPLICIT : ConfChangeTransition.AUTO)
        .addChanges(ConfChangeSingle.newBuilder().setType(type).setNodeId(4))
        .build();
  }
}
