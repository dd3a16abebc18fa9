package dev.raftboot.sample.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The sample app as real processes under real faults, checked like Jepsen checks databases:
 * concurrent clients record every operation, faults hit the cluster meanwhile, and afterwards the
 * history must be linearizable (final reads included: no acknowledged write lost), every node must
 * hold the same state, every {@code @ScheduledOnce} slot must have run at most once, and the
 * cluster must serve again within a bound. {@code -Dcluster.seed=N} fixes the clients' choices.
 */
class ClusterFaultsIT {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
  private static final Duration FINAL_CALM = Duration.ofSeconds(4);

  /** kill -9 of the leader and of a follower, each restarted; SIGSTOP of the leader, SIGCONT. */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void crashesAndAPausedLeaderUnderLoad(TestInfo test) throws Exception {
    long seed = seed();
    ProcessCluster cluster = new ProcessCluster(dir(test), 3, 3);
    run(cluster, () -> crashesAndAPausedLeader(cluster, seed));
  }

  /** The scenario of {@link #crashesAndAPausedLeaderUnderLoad}, in any environment. */
  static void crashesAndAPausedLeader(ProcessCluster cluster, long seed) throws Exception {
    cluster.start();
    followersRedirectWhenForwardingIsOff(cluster);
    Load load = underLoad(cluster, "crash-", seed);
    SplittableRandom random = new SplittableRandom(seed);

    long leader = cluster.awaitLeader("kv", RECOVERY_BOUND);
    System.out.println("kill -9 of the leader, node " + leader);
    cluster.node(leader).kill();
    Thread.sleep(2_000);
    cluster.restart(leader);

    long follower = follower(cluster, random, leader);
    System.out.println("kill -9 of a follower, node " + follower);
    cluster.node(follower).kill();
    Thread.sleep(1_500);
    cluster.restart(follower);
    cluster.awaitLeaders(RECOVERY_BOUND);

    long paused = cluster.awaitLeader("kv", RECOVERY_BOUND);
    System.out.println("SIGSTOP of the leader, node " + paused);
    cluster.node(paused).pause();
    Thread.sleep(4_000);
    cluster.node(paused).resume();
    Thread.sleep(2_000);

    verify(cluster, load);
  }

  /**
   * A rolling restart of every node (graceful: leaders hand over), then a fourth node joins and the
   * leader of the kv group is removed, all under load.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void rollingRestartAndMembershipChangeUnderLoad(TestInfo test) throws Exception {
    long seed = seed();
    ProcessCluster cluster = new ProcessCluster(dir(test), 3, 3);
    run(cluster, () -> rollingRestartAndMembershipChange(cluster, seed));
  }

  /** The scenario of {@link #rollingRestartAndMembershipChangeUnderLoad}, in any environment. */
  static void rollingRestartAndMembershipChange(ProcessCluster cluster, long seed)
      throws Exception {
    cluster.start();
    Load load = underLoad(cluster, "rolling-", seed);

    for (NodeProcess node : cluster.members()) {
      System.out.println("rolling restart: " + node);
      node.stop();
      cluster.restart(node.id());
      awaitCaughtUp(node);
    }

    System.out.println("adding node 4");
    cluster.addNode(4, Duration.ofSeconds(90));
    long removed = cluster.awaitLeader("kv", RECOVERY_BOUND);
    System.out.println("removing the kv leader, node " + removed);
    cluster.removeNode(removed, Duration.ofSeconds(60));
    assertThat(cluster.members()).hasSize(3);
    Thread.sleep(2_000);

    verify(cluster, load);
  }

  /** Clients at work and the calm period they started in; a scenario's faults follow. */
  record Load(KvClients clients, CalmPeriods calm) {}

  /**
   * Starts the clients on a cluster that serves, and keeps the first seconds of their work free of
   * faults: the scenario's first calm period. It begins once a write went through every node and
   * the job has run twice: a node just started runs each path for the first time (class loading,
   * cold code, streams not yet open), and its first job run may take longer than a slot, after
   * which the scheduler rightly skips the slots it missed (catch-up LATEST).
   */
  static Load underLoad(ProcessCluster cluster, String keyPrefix, long seed)
      throws InterruptedException {
    CalmPeriods calm = new CalmPeriods();
    KvClients clients = new KvClients(cluster, 5, keyPrefix, 5, seed);
    clients.start();
    ClusterChecks.recovery(cluster, RECOVERY_BOUND);
    ClusterChecks.awaitJobRuns(cluster, 2);
    calm.begin();
    Thread.sleep(3_000);
    calm.end();
    return new Load(clients, calm);
  }

  /**
   * The checks every scenario ends with. The time after recovery (a write through every node, two
   * job runs) is a calm period of its own: at least {@link #FINAL_CALM} long, its slots must all
   * have run.
   */
  static void verify(ProcessCluster cluster, Load load) throws InterruptedException {
    KvClients clients = load.clients();
    CalmPeriods calm = load.calm();
    clients.stop();
    Duration recovery = ClusterChecks.recovery(cluster, RECOVERY_BOUND);
    // As at the start: a node restarted by the scenario may now lead the scheduler, cold.
    ClusterChecks.awaitJobRuns(cluster, 2);
    long calmSince = System.nanoTime();
    calm.begin();
    cluster.awaitConvergence(Duration.ofSeconds(30));
    clients.finalReads(cluster.live().get(0));
    System.out.println(clients.summary());
    System.out.println("recovered " + recovery.toMillis() + " ms after the last fault");
    ClusterChecks.assertLinearizable(clients);
    long calmSoFar = Duration.ofNanos(System.nanoTime() - calmSince).toMillis();
    Thread.sleep(Math.max(0, FINAL_CALM.toMillis() - calmSoFar));
    calm.end();
    long runs = ClusterChecks.assertJobsRanAtMostOncePerSlot(cluster);
    System.out.println(runs + " job runs, each slot at most once");
    long slots = ClusterChecks.assertJobsRanInEveryCalmSlot(cluster, calm);
    System.out.println(slots + " slots in calm periods " + calm.periods() + ", each ran once");
  }

  /** With forwarding off (node 3), a write on a follower is answered 307 with the leader's URL. */
  private static void followersRedirectWhenForwardingIsOff(ProcessCluster cluster) {
    NodeProcess redirecting = cluster.node(3);
    long leader = cluster.awaitLeader("kv", RECOVERY_BOUND);
    if (leader == 3) {
      cluster
          .node(3)
          .http()
          .post("/actuator/raft/kv", "{\"operation\":\"transfer-leadership\",\"nodeId\":1}");
      await().atMost(RECOVERY_BOUND).until(() -> cluster.awaitLeader("kv", RECOVERY_BOUND) != 3);
      leader = cluster.awaitLeader("kv", RECOVERY_BOUND);
    }
    HttpResponse<String> put = redirecting.http().put("/kv/redirected?x=1", "\"v\"");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(307);
    assertThat(put.headers().firstValue("Location"))
        .hasValue(cluster.node(leader).baseUrl() + "/kv/redirected?x=1");
    HttpResponse<String> followed = cluster.node(leader).http().put("/kv/redirected?x=1", "\"v\"");
    assertThat(followed.statusCode()).isEqualTo(200);
    // Reads are served by every node, forwarding or not.
    assertThat(redirecting.http().get("/kv/redirected").statusCode()).isEqualTo(200);
  }

  private static void awaitCaughtUp(NodeProcess node) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> node.http().get("/actuator/health/raft").statusCode() == 200);
  }

  /** A follower of the kv group other than {@code spared} (just restarted). */
  private static long follower(ProcessCluster cluster, SplittableRandom random, long spared) {
    long leader = cluster.awaitLeader("kv", RECOVERY_BOUND);
    List<NodeProcess> followers =
        cluster.members().stream().filter(n -> n.id() != leader && n.id() != spared).toList();
    return followers.get(random.nextInt(followers.size())).id();
  }

  /** Skips the test when {@code why} says its environment cannot be set up here, printing why. */
  static void skipIf(Optional<String> why, String tests) {
    why.ifPresent(
        reason -> {
          System.out.println(tests + " skipped: " + reason);
          Assumptions.abort(tests + " skipped: " + reason);
        });
  }

  static long seed() {
    long seed = Long.getLong("cluster.seed", System.nanoTime());
    System.out.println("cluster test seed " + seed + " (re-run with -Dcluster.seed=" + seed + ")");
    return seed;
  }

  static Path dir(TestInfo test) {
    return SampleJar.workDir().resolve(test.getTestMethod().orElseThrow().getName());
  }

  /** A scenario body that may throw. */
  interface Scenario {
    void run() throws Exception;
  }

  /** Runs {@code scenario}; on failure prints every node's log tail and keeps their data. */
  static void run(ProcessCluster cluster, Scenario scenario) throws Exception {
    boolean passed = false;
    try {
      scenario.run();
      passed = true;
    } finally {
      if (!passed) {
        System.out.println(cluster.logTails(60));
      }
      cluster.close(!passed);
    }
  }
}
