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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five real servers (gRPC on loopback, RocksDB) under a steady write load while members are
 * replaced, leadership moves and the leader shuts down: no acknowledged write is ever lost.
 */
class ClusterUnderLoadTest {

  /** Writes k0, k1, ... through whoever leads, retrying a key until it is acknowledged. */
  private static Thread writer(
      ServerCluster c, AtomicBoolean stop, Set<String> acknowledged, AtomicInteger next) {
    Thread t =
        new Thread(
            () -> {
              while (!stop.get()) {
                String key = "k" + next.get();
                try {
                  RaftGroup leader = null;
                  for (RaftGroup g : List.copyOf(c.groups.values())) {
                    if (g.isLeader()) {
                      leader = g;
                    }
                  }
                  if (leader == null) {
                    Thread.sleep(5);
                    continue;
                  }
                  leader.propose(ServerCluster.put(key, "v")).get(10, TimeUnit.SECONDS);
                  acknowledged.add(key);
                  next.incrementAndGet();
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // Not acknowledged: the same key is written again (a put is idempotent).
                }
              }
            },
            "writer");
    t.start();
    return t;
  }

  @Test
  void membershipChangesTransferAndGracefulLeaderShutdownLoseNoAcknowledgedWrite(@TempDir Path dir)
      throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> refused = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger next = new AtomicInteger();
    try (ServerCluster c = ServerCluster.of(dir, 5, 200)) {
      c.awaitLeader();
      Thread w = writer(c, stop, acknowledged, next);
      try {
        LocalCluster.await(() -> acknowledged.size() > 50, "writes to flow");

        // Replace a follower by a new node, under load.
        long leader = c.awaitLeader();
        long old = leader == 5 ? 4 : 5;
        c.startJoining(6);
        c.groups.get(leader).replace(old, 6, c.address(6)).get(30, TimeUnit.SECONDS);
        c.stop(old, Duration.ZERO);
        int before = acknowledged.size();
        LocalCluster.await(() -> acknowledged.size() > before + 50, "writes after the replace");

        // Move leadership to node 6.
        c.groups.get(c.awaitLeader()).transferLeadership(6);
        LocalCluster.await(() -> c.groups.get(6L).isLeader(), "node 6 to lead");
        int afterTransfer = acknowledged.size();
        LocalCluster.await(
            () -> acknowledged.size() > afterTransfer + 50, "writes after the transfer");

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
        int afterClose = acknowledged.size();
        LocalCluster.await(() -> acknowledged.size() > afterClose + 50, "writes after the close");
      } finally {
        stop.set(true);
        w.join();
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
