package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.testkit.KvStateMachine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RaftGroupMetricsTest {
  @Test
  void metersFollowTheGroup() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new RaftGroupMetrics(g).bindTo(registry);
      for (int i = 0; i < 10; i++) {
        g.propose(KvStateMachine.command((byte) 1, "k" + i, "v", null)).get(20, TimeUnit.SECONDS);
      }
      assertThat(registry.get("raft.leader").tag("group", "kv").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get("raft.term").gauge().value()).isPositive();
      assertThat(registry.get("raft.applied.index").gauge().value()).isGreaterThanOrEqualTo(11);
      assertThat(registry.get("raft.proposals").functionCounter().count()).isEqualTo(10);
      assertThat(registry.get("raft.proposals.failed").functionCounter().count()).isZero();
      assertThat(registry.get("raft.messages.rejected").functionCounter().count()).isZero();
      // Both are recorded on other threads right after what the test waited for.
      LocalCluster.await(
          () -> registry.get("raft.leader.changes").functionCounter().count() == 1,
          "the leadership to be counted");
      LocalCluster.await(
          () -> registry.get("raft.proposal.latency").timer().count() == 10,
          "every proposal latency to be recorded");
    }
  }
}
