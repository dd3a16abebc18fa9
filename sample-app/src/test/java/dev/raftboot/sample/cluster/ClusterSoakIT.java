package dev.raftboot.sample.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A long run of random faults, round after round, each round with fresh keys and its own history
 * checked like {@link ClusterFaultsIT}'s. Where network namespaces can be made (root, iproute2,
 * iptables) the nodes run in them and partitions join the faults; elsewhere the nodes run on
 * loopback with process faults only. Tagged slow: {@code ./mvnw -B verify -Pslow}; the length is
 * {@code -Dcluster.soak.duration=PT30M} (default ten minutes).
 */
@Tag("slow")
class ClusterSoakIT {
  private enum Fault {
    KILL_LEADER,
    KILL_FOLLOWER,
    PAUSE_LEADER,
    PAUSE_FOLLOWER,
    RESTART_GRACEFULLY,
    ISOLATE_LEADER,
    ISOLATE_FOLLOWER,
    CUT_LEADER_OUTBOUND;

    boolean partitions() {
      return ordinal() >= ISOLATE_LEADER.ordinal();
    }
  }

  @Test
  void randomFaultsForAWhile(TestInfo test) throws Exception {
    Duration length = Duration.parse(System.getProperty("cluster.soak.duration", "PT10M"));
    long seed = ClusterFaultsIT.seed();
    SplittableRandom random = new SplittableRandom(seed);
    Optional<String> noNamespaces = NamespaceEnvironment.unavailableBecause();
    boolean namespaces = noNamespaces.isEmpty();
    System.out.println(
        "soak: "
            + (namespaces
                ? "nodes in network namespaces, partitions included"
                : "nodes on loopback, process faults only (" + noNamespaces.orElseThrow() + ")"));
    List<Fault> faults =
        List.of(Fault.values()).stream().filter(f -> namespaces || !f.partitions()).toList();
    ProcessCluster cluster =
        new ProcessCluster(
            ClusterFaultsIT.dir(test),
            namespaces ? new NamespaceEnvironment() : new LoopbackEnvironment(),
            3,
            3);
    ClusterFaultsIT.run(
        cluster,
        () -> {
          cluster.start();
          long end = System.nanoTime() + length.toNanos();
          for (int round = 1; System.nanoTime() < end; round++) {
            KvClients clients =
                new KvClients(cluster, 5, "round-" + round + "-", 5, random.nextLong());
            clients.start();
            Thread.sleep(1_000);
            for (int i = 0; i < 3; i++) {
              inject(cluster, faults, random, round);
            }
            ClusterFaultsIT.verify(cluster, new ClusterFaultsIT.Load(clients, new CalmPeriods()));
          }
        });
  }

  private static void inject(
      ProcessCluster cluster, List<Fault> faults, SplittableRandom random, int round)
      throws InterruptedException {
    Fault fault = faults.get(random.nextInt(faults.size()));
    long leader = cluster.awaitLeader("kv", Duration.ofSeconds(30));
    List<NodeProcess> followers = cluster.members().stream().filter(n -> n.id() != leader).toList();
    NodeProcess target =
        switch (fault) {
          case KILL_LEADER, PAUSE_LEADER, ISOLATE_LEADER, CUT_LEADER_OUTBOUND ->
              cluster.node(leader);
          default -> followers.get(random.nextInt(followers.size()));
        };
    long hold = 500 + random.nextInt(3_500);
    System.out.printf("round %d: %s on %s for %d ms%n", round, fault, target, hold);
    switch (fault) {
      case KILL_LEADER, KILL_FOLLOWER -> {
        target.kill();
        Thread.sleep(hold);
        cluster.restart(target.id());
      }
      case PAUSE_LEADER, PAUSE_FOLLOWER -> {
        target.pause();
        Thread.sleep(hold);
        target.resume();
      }
      case RESTART_GRACEFULLY -> {
        target.stop();
        cluster.restart(target.id());
      }
      case ISOLATE_LEADER, ISOLATE_FOLLOWER -> {
        cluster.partitions().isolate(target.id(), PartitionFaults.others(cluster, target.id()));
        Thread.sleep(hold);
        cluster.partitions().heal();
      }
      case CUT_LEADER_OUTBOUND -> {
        PartitionFaults.others(cluster, target.id())
            .forEach(o -> cluster.partitions().cut(target.id(), o));
        Thread.sleep(hold);
        cluster.partitions().heal();
      }
    }
    cluster.awaitLeaders(Duration.ofSeconds(60));
  }
}
