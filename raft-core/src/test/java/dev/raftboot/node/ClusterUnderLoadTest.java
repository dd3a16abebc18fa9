package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five real servers (gRPC on loopback, RocksDB) under a steady write load while members are
 * replaced, leadership moves and the leader shuts down: no acknowledged write is ever lost.
 */
class ClusterUnderLoadTest {

  @Test
  void membershipChangesTransferAndGracefulLeaderShutdownLoseNoAcknowledgedWrite(@TempDir Path dir)
      throws Exception {
    Set<String> refused = ConcurrentHashMap.newKeySet();
    try (ServerCluster c = ServerCluster.of(dir, 5, 200)) {
      c.awaitLeader();
      KeyWriter writer = new KeyWriter(c, "k");
      Set<String> acknowledged = writer.acknowledged;
      try (writer) {
        writer.awaitMore(51, "to flow");

        // Replace a follower by a new node, under load.
        long leader = c.awaitLeader();
        long old = leader == 5 ? 4 : 5;
        c.startJoining(6);
        c.groups.get(leader).replace(old, 6, c.address(6)).get(30, TimeUnit.SECONDS);
        c.stop(old, Duration.ZERO);
        writer.awaitMore(51, "after the replace");

        // Move leadership to node 6.
        c.groups.get(c.awaitLeader()).transferLeadership(6);
        LocalCluster.await(() -> c.groups.get(6L).isLeader(), "node 6 to lead");
        writer.awaitMore(51, "after the transfer");

        // Graceful shutdown of the leader while writes are in flight on it: none fails.
        RaftGroup lead = c.groups.get(c.awaitLeader());
        List<CompletableFuture<Object>> onLeader = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          onLeader.add(lead.propose(ServerCluster.put("g" + i, "v")));
        }
        long leadId = c.awaitLeader();
        c.stop(leadId, Duration.ofSeconds(5));
        // Each either applied, or was refused before it reached the log (proposed after the
        // hand-off began): never an unknown outcome (closed, timed out).
        for (int i = 0; i < onLeader.size(); i++) {
          try {
            onLeader.get(i).get(1, TimeUnit.SECONDS);
            acknowledged.add("g" + i);
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(NotLeaderException.class);
            refused.add("g" + i);
          }
        }
        writer.awaitMore(51, "after the close");
      }
      // Every acknowledged write is on every remaining node.
      c.leader().linearizableBarrier().get(10, TimeUnit.SECONDS);
      for (long id : c.groups.keySet()) {
        c.groups.get(id).linearizableBarrier().get(10, TimeUnit.SECONDS);
        for (String key : acknowledged) {
          assertThat(c.machines.get(id).get(key)).as(key + " on node " + id).isEqualTo("v");
        }
        for (String key : refused) {
          assertThat(c.machines.get(id).get(key)).as(key + " on node " + id).isNull();
        }
      }
    }
  }
}
