package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.transport.TransportMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group and transport meters of a leader in a cluster of real servers. */
class ServerMetricsTest {
  @Test
  void groupAndTransportMetersFollowReplication(@TempDir Path dir) throws Exception {
    try (ServerCluster c = ServerCluster.of(dir, 3, 20)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      RaftServer server = c.servers.get(leader);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      RaftGroupMetrics groupMetrics = new RaftGroupMetrics(g);
      groupMetrics.bindTo(registry);
      new TransportMetrics(server.transport()).bindTo(registry);
      c.write(0, 50);

      assertThat(registry.get("raft.commit.latency").timer().count()).isPositive();
      LocalCluster.await(
          () -> registry.get("raft.apply.latency").timer().count() > 0, "apply latency");
      LocalCluster.await(
          () -> registry.get("raft.snapshot.duration").timer().count() > 0, "a snapshot");
      assertThat(registry.get("raft.snapshots").functionCounter().count()).isPositive();
      assertThat(registry.get("raft.leader.changes.seen").functionCounter().count()).isPositive();
      // Compacted: fewer entries held than written.
      LocalCluster.await(
          () -> registry.get("raft.log.entries").gauge().value() < g.status().lastIndex(),
          "the log to be compacted");
      for (long peer = 1; peer <= 3; peer++) {
        if (peer == leader) {
          continue;
        }
        String tag = Long.toString(peer);
        long p = peer;
        LocalCluster.await(
            () ->
                registry.get("raft.peer.match.index").tag("peer", tag).gauge().value()
                    >= g.status().commit() - 1,
            "match index of " + p);
        assertThat(registry.get("raft.peer.inflight").tag("peer", tag).gauge().value())
            .isGreaterThanOrEqualTo(0);
      }

      // Transport: scraping once registers the per-peer meters.
      registry.get("raft.transport.bytes").tag("direction", "out").functionCounter().count();
      assertThat(
              registry
                  .get("raft.transport.bytes")
                  .tag("direction", "out")
                  .functionCounter()
                  .count())
          .isPositive();
      long peer = leader == 1 ? 2 : 1;
      assertThat(
              registry
                  .get("raft.transport.peer.bytes")
                  .tags("peer", Long.toString(peer), "direction", "out")
                  .functionCounter()
                  .count())
          .isPositive();
      assertThat(registry.get("raft.transport.rejected").tag("reason", "unknown_group").meter())
          .isNotNull();
      for (Meter m : registry.getMeters()) {
        assertThat(m.getId().getName()).startsWith("raft.");
        assertThat(m.getId().getDescription()).isNotBlank();
      }
    }
  }
}
