package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions of real servers (gRPC on loopback, RocksDB) under a steady write load, made with the
 * transport's {@link dev.raftboot.transport.LinkFaults}: the majority side goes on, a cut-off
 * leader steps down (check quorum) and refuses writes with typed errors, a one-way cut disrupts
 * nobody (pre-vote), and after healing every node converges with no acknowledged write lost.
 */
class PartitionOverGrpcTest {

  static ServerCluster cluster(Path dir, int voters, long seed) {
    return new ServerCluster(
        dir,
        voters,
        // Snapshots every 100 entries keeping 5: a node cut off for a while catches up from a
        // snapshot streamed over gRPC, not only from the log.
        new GroupOptions("kv", Duration.ofMillis(20), Duration.ofSeconds(3), 100, 5),
        seed,
        b -> b.backoff(Duration.ofMillis(20), Duration.ofMillis(500)),
        id -> null);
  }

  @Test
  void anIsolatedLeaderStepsDownTheMajorityGoesOnAndNoAcknowledgedWriteIsLost(@TempDir Path dir)
      throws Exception {
    try (ServerCluster c = cluster(dir, 3, 1)) {
      c.awaitLeader();
      List<CompletableFuture<Object>> onMinority;
      try (KeyWriter w = new KeyWriter(c, "k")) {
        w.awaitMore(30, "before the partition");
        long old = c.awaitLeader();
        onMinority = cutOffAndCheckTheMajority(c, w, Set.of(old));
        c.faults.heal();
        RaftGroup healed = c.groups.get(old);
        LocalCluster.await(
            () -> healed.status().leaderId() != 0 && healed.status().leaderId() != old,
            "the old leader to follow the new one");
        w.awaitMore(30, "after healing");
        assertConverged(c, w.acknowledged, List.of("m"));
      }
      assertThat(onMinority).isNotEmpty();
    }
  }

  @Test
  void aOneWayCutDeposesNobodyAndTheCutOffFollowerCatchesUp(@TempDir Path dir) throws Exception {
    try (ServerCluster c = cluster(dir, 3, 2)) {
      try (KeyWriter w = new KeyWriter(c, "k")) {
        w.awaitMore(20, "before the cut");
        long leader = c.awaitLeader();
        long term = c.groups.get(leader).status().term();
        long cutOff = leader == 1 ? 2 : 1;

        // The leader's traffic to one follower is lost; the follower's still arrives.
        c.faults.cut(leader, cutOff);
        w.awaitMore(150, "with the leader's link to node " + cutOff + " cut");
        RaftGroup lead = c.groups.get(leader);
        // The follower times out and pre-campaigns, but the others have a leader: nobody votes for
        // it and no term is bumped.
        assertThat(lead.isLeader()).isTrue();
        assertThat(lead.status().term()).isEqualTo(term);
        // It heard nothing of the 150 writes since the cut.
        assertThat(c.groups.get(cutOff).appliedIndex() + 100).isLessThan(lead.appliedIndex());

        // The other direction: the follower hears the leader but its answers are lost.
        c.faults.heal();
        c.faults.cut(cutOff, leader);
        w.awaitMore(30, "with node " + cutOff + "'s link to the leader cut");
        assertThat(lead.isLeader()).isTrue();
        assertThat(lead.status().term()).isEqualTo(term);

        c.faults.heal();
        w.awaitMore(20, "after healing");
        assertConverged(c, w.acknowledged, List.of());
      }
    }
  }

  @Test
  void fiveNodesSplitTwoThreeThenANodeKilledAndRestartedFromDisk(@TempDir Path dir)
      throws Exception {
    try (ServerCluster c = cluster(dir, 5, 3)) {
      try (KeyWriter w = new KeyWriter(c, "k")) {
        w.awaitMore(30, "before the split");
        long old = c.awaitLeader();
        long withOld = old == 5 ? 4 : 5;
        cutOffAndCheckTheMajority(c, w, Set.of(old, withOld));
        c.faults.heal();
        w.awaitMore(30, "after healing");

        // Kill a follower (its server closed abruptly), write on, restart it from its data.
        long leader = c.awaitLeader();
        long killed = leader == 1 ? 2 : 1;
        c.stop(killed, Duration.ZERO);
        w.awaitMore(150, "with node " + killed + " down");
        c.start(killed);
        w.awaitMore(20, "after the restart");
        assertConverged(c, w.acknowledged, List.of("m"));
        // 150 entries behind with snapshots every 100 keeping 5: it caught up from an image
        // streamed over gRPC.
        assertThat(c.servers.get(killed).transportStats().snapshotsReceived()).isPositive();
      }
    }
  }

  /**
   * Splits {@code minority} (holding the leader) from the other nodes, checks that the majority
   * elects a new leader in a higher term and keeps taking writes, that the old leader steps down,
   * and that writes proposed on it fail with typed errors. Leaves the partition in place.
   */
  private static List<CompletableFuture<Object>> cutOffAndCheckTheMajority(
      ServerCluster c, KeyWriter w, Set<Long> minority) throws Exception {
    long old = c.awaitLeader();
    assertThat(minority).contains(old);
    long oldTerm = c.groups.get(old).status().term();
    Set<Long> majority = new HashSet<>(c.groups.keySet());
    majority.removeAll(minority);
    if (minority.size() == 1) {
      c.faults.isolate(old);
    } else {
      c.faults.partition(minority, majority);
    }
    RaftGroup deposed = c.groups.get(old);
    List<CompletableFuture<Object>> onMinority = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      onMinority.add(deposed.propose(ServerCluster.put("m" + i, "v")));
    }

    Map<Long, RaftGroup> majorityGroups = new TreeMap<>(c.groups);
    majorityGroups.keySet().retainAll(majority);
    long next = LocalCluster.awaitLeader(majorityGroups, "a leader in the majority");
    assertThat(c.groups.get(next).status().term()).isGreaterThan(oldTerm);
    LocalCluster.await(() -> !deposed.isLeader(), "the cut-off leader to step down");
    w.awaitMore(30, "on the majority side");

    for (CompletableFuture<Object> f : onMinority) {
      assertFailsTyped(f);
    }
    assertFailsTyped(deposed.propose(ServerCluster.put("m-late", "v")));
    return onMinority;
  }

  /** A write on the cut-off side: refused (no leader) or timed out, never acknowledged. */
  private static void assertFailsTyped(CompletableFuture<Object> write) {
    Throwable failure = catchThrowable(() -> write.get(10, TimeUnit.SECONDS));
    assertThat(failure).isInstanceOf(ExecutionException.class);
    assertThat(failure.getCause())
        .isInstanceOfAny(NotLeaderException.class, ProposalTimeoutException.class);
  }

  /**
   * Every node applies every acknowledged write, all end with the same contents, and no key
   * starting with one of {@code neverCommitted} (written only on a cut-off side) is anywhere.
   */
  static void assertConverged(
      ServerCluster c, Set<String> acknowledged, List<String> neverCommitted) throws Exception {
    c.leader().linearizableBarrier().get(10, TimeUnit.SECONDS);
    Set<String> expected = Set.copyOf(acknowledged);
    for (long id : c.groups.keySet()) {
      LocalCluster.await(
          () -> c.machines.get(id).contents().keySet().containsAll(expected),
          "every acknowledged write on node " + id);
    }
    long first = c.groups.firstKey();
    LocalCluster.await(
        () ->
            c.machines.values().stream()
                .allMatch(m -> m.contents().equals(c.machines.get(first).contents())),
        "every node to hold the same contents");
    for (long id : c.groups.keySet()) {
      for (String key : c.machines.get(id).contents().keySet()) {
        for (String prefix : neverCommitted) {
          assertThat(key)
              .as("a write made only on a cut-off side, on node " + id)
              .doesNotStartWith(prefix);
        }
      }
    }
  }
}
