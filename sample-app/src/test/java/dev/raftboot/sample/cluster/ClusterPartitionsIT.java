package dev.raftboot.sample.cluster;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Network partitions between real processes: each node runs in a network namespace of its own
 * ({@link NamespaceEnvironment}), and iptables rules in the namespaces cut peer traffic while the
 * clients keep writing through every node. After each fault heals, and at the end, the checks of
 * {@link ClusterFaultsIT} apply: a linearizable history with no acknowledged write lost, one state
 * on every node, each {@code @ScheduledOnce} slot at most once and, while the cluster was calm,
 * exactly once. Skipped, saying why, where namespaces cannot be made (not root, no iptables).
 */
class ClusterPartitionsIT {
  @BeforeEach
  void namespacesCanBeMade() {
    ClusterFaultsIT.skipIf(NamespaceEnvironment.unavailableBecause(), "network partition tests");
  }

  /**
   * The leader isolated (split 2/1 with the leader alone); a follower isolated (pre-vote keeps it
   * from deposing the leader when it returns); the leader's outbound traffic cut one way (it still
   * hears the others, who elect a new leader and bring it down with their term).
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void partitionsUnderLoad(TestInfo test) throws Exception {
    long seed = ClusterFaultsIT.seed();
    NamespaceEnvironment network = new NamespaceEnvironment();
    System.out.println("nodes in " + network);
    ProcessCluster cluster = new ProcessCluster(ClusterFaultsIT.dir(test), network, 3, 3);
    ClusterFaultsIT.run(cluster, () -> partitions(cluster, seed));
  }

  /** The scenario of {@link #partitionsUnderLoad}, in any environment with partitions. */
  static void partitions(ProcessCluster cluster, long seed) throws Exception {
    cluster.start();
    ClusterFaultsIT.Load load = ClusterFaultsIT.underLoad(cluster, "partition-", seed);

    PartitionFaults.isolatedLeaderIsReplaced(cluster);
    Thread.sleep(2_000);
    PartitionFaults.isolatedFollowerDoesNotDeposeTheLeader(cluster);
    Thread.sleep(2_000);
    PartitionFaults.leaderThatCannotSendIsReplaced(cluster);
    Thread.sleep(2_000);

    ClusterFaultsIT.verify(cluster, load);
  }
}
