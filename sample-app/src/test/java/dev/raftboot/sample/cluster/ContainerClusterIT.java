package dev.raftboot.sample.cluster;

import static dev.raftboot.sample.cluster.ClusterFaultsIT.RECOVERY_BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster scenarios with a Testcontainers container per node ({@link ContainerEnvironment}):
 * kill, pause and unpause through the Docker engine, a container disconnected from the network and
 * connected again, and a one-way partition, under the clients' load; then the checks of {@link
 * ClusterFaultsIT}. Skipped, saying why, where no Docker engine is reachable ({@code
 * scripts/prepare-fault-injection.sh}, run by the build, installs and starts one when run as root
 * on Debian).
 */
class ContainerClusterIT {
  @BeforeEach
  void dockerIsThere() {
    ClusterFaultsIT.skipIf(ContainerEnvironment.unavailableBecause(), "container cluster tests");
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void faultsThroughTheEngine(TestInfo test) throws Exception {
    inContainers(test, ContainerClusterIT::engineFaults);
  }

  private static void engineFaults(ProcessCluster cluster, long seed) throws Exception {
    ContainerEnvironment containers = (ContainerEnvironment) cluster.environment();
    cluster.start();
    ClusterFaultsIT.Load load = ClusterFaultsIT.underLoad(cluster, "container-", seed);

    long killed = cluster.awaitLeader("kv", RECOVERY_BOUND);
    System.out.println("docker kill of the kv leader, node " + killed);
    cluster.node(killed).kill();
    Thread.sleep(2_000);
    cluster.restart(killed);
    cluster.awaitLeaders(RECOVERY_BOUND);

    long paused = cluster.awaitLeader("kv", RECOVERY_BOUND);
    System.out.println("docker pause of the kv leader, node " + paused);
    cluster.node(paused).pause();
    assertThat(cluster.awaitLeader("kv", RECOVERY_BOUND, Set.of(paused)))
        .as("kv leader while node " + paused + " is paused")
        .isNotEqualTo(paused);
    cluster.node(paused).resume();
    cluster.awaitLeaders(RECOVERY_BOUND);

    long cutOff = cluster.awaitLeader("kv", RECOVERY_BOUND);
    System.out.println("docker network disconnect of the kv leader, node " + cutOff);
    containers.disconnect(cutOff);
    assertThat(cluster.awaitLeader("kv", RECOVERY_BOUND, Set.of(cutOff)))
        .as("kv leader while node " + cutOff + " is disconnected")
        .isNotEqualTo(cutOff);
    Thread.sleep(2_000);
    containers.reconnect(cutOff);
    cluster.awaitLeaders(RECOVERY_BOUND);

    PartitionFaults.leaderThatCannotSendIsReplaced(cluster);
    Thread.sleep(2_000);

    ClusterFaultsIT.verify(cluster, load);
  }

  /** {@link ClusterFaultsIT}'s crash scenario, each node in a container. */
  @Test
  @Tag("slow")
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void crashesAndAPausedLeaderUnderLoad(TestInfo test) throws Exception {
    inContainers(test, ClusterFaultsIT::crashesAndAPausedLeader);
  }

  /** {@link ClusterFaultsIT}'s rolling restart and membership change, each node in a container. */
  @Test
  @Tag("slow")
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void rollingRestartAndMembershipChangeUnderLoad(TestInfo test) throws Exception {
    inContainers(test, ClusterFaultsIT::rollingRestartAndMembershipChange);
  }

  /** {@link ClusterPartitionsIT}'s partitions, each node in a container. */
  @Test
  @Tag("slow")
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void partitionsUnderLoad(TestInfo test) throws Exception {
    inContainers(test, ClusterPartitionsIT::partitions);
  }

  /** A scenario of another cluster test, given the cluster and the seed. */
  interface SeededScenario {
    void run(ProcessCluster cluster, long seed) throws Exception;
  }

  private static void inContainers(TestInfo test, SeededScenario scenario) throws Exception {
    long seed = ClusterFaultsIT.seed();
    ContainerEnvironment containers = new ContainerEnvironment(List.of(SampleJar.workDir()));
    System.out.println("nodes in " + containers);
    ProcessCluster cluster = new ProcessCluster(ClusterFaultsIT.dir(test), containers, 3, 3);
    ClusterFaultsIT.run(cluster, () -> scenario.run(cluster, seed));
  }
}
