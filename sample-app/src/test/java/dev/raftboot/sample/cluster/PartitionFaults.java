package dev.raftboot.sample.cluster;

import static dev.raftboot.sample.cluster.ClusterFaultsIT.RECOVERY_BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Partition scenarios with what each must show, for any {@link NodeEnvironment} with {@link
 * Partitions}: each cuts, asserts how the kv group behaves, heals and waits for leaders again.
 */
final class PartitionFaults {
  private static final String KV = "kv";

  private PartitionFaults() {}

  /**
   * The majority elects a new leader; the old one, hearing no quorum, steps down (check-quorum), so
   * no node serves as leader on the minority side.
   */
  static void isolatedLeaderIsReplaced(ProcessCluster cluster) throws Exception {
    long old = cluster.awaitLeader(KV, RECOVERY_BOUND);
    System.out.println("isolating the kv leader, node " + old);
    cluster.partitions().isolate(old, others(cluster, old));
    long elected = cluster.awaitLeader(KV, RECOVERY_BOUND, Set.of(old));
    assertThat(elected).isNotEqualTo(old);
    awaitRole(cluster.node(old), role -> !role.equals("LEADER"));
    Thread.sleep(3_000);
    assertThat(role(cluster.node(old))).as("the isolated old leader").isNotEqualTo("LEADER");
    cluster.partitions().heal();
    System.out.println("healed; node " + elected + " leads kv");
    cluster.awaitLeaders(RECOVERY_BOUND);
  }

  /**
   * A follower cut off for longer than an election timeout comes back without an election: while
   * cut off it could not win a pre-vote, so its term did not grow, and the leader keeps its term.
   */
  static void isolatedFollowerDoesNotDeposeTheLeader(ProcessCluster cluster) throws Exception {
    long leader = cluster.awaitLeader(KV, RECOVERY_BOUND);
    long term = term(cluster.node(leader));
    long follower = others(cluster, leader).get(0);
    System.out.println("isolating node " + follower + ", a follower; kv leader " + leader);
    cluster.partitions().isolate(follower, others(cluster, follower));
    Thread.sleep(4_000);
    assertThat(term(cluster.node(follower))).as("the isolated follower's term").isEqualTo(term);
    cluster.partitions().heal();
    awaitCaughtUp(cluster.node(follower), cluster.node(leader));
    assertThat(cluster.awaitLeader(KV, RECOVERY_BOUND))
        .as("kv leader after healing")
        .isEqualTo(leader);
    assertThat(term(cluster.node(leader))).as("kv leader's term after healing").isEqualTo(term);
  }

  /**
   * One way: the leader hears everyone but reaches no one. The followers, hearing no heartbeat,
   * elect one of themselves; its messages reach the old leader, whose term is now stale, and it
   * steps down.
   */
  static void leaderThatCannotSendIsReplaced(ProcessCluster cluster) throws Exception {
    long old = cluster.awaitLeader(KV, RECOVERY_BOUND);
    System.out.println("cutting the kv leader's outbound traffic, node " + old);
    others(cluster, old).forEach(o -> cluster.partitions().cut(old, o));
    long elected = cluster.awaitLeader(KV, RECOVERY_BOUND, Set.of(old));
    assertThat(elected).isNotEqualTo(old);
    awaitRole(cluster.node(old), role -> !role.equals("LEADER"));
    cluster.partitions().heal();
    System.out.println("healed; node " + elected + " leads kv");
    cluster.awaitLeaders(RECOVERY_BOUND);
  }

  static List<Long> others(ProcessCluster cluster, long id) {
    return cluster.members().stream().map(NodeProcess::id).filter(o -> o != id).toList();
  }

  private static JsonNode kv(NodeProcess n) {
    return ProcessCluster.status(n, KV);
  }

  private static String role(NodeProcess n) {
    return kv(n).get("role").asString();
  }

  private static long term(NodeProcess n) {
    return kv(n).get("term").asLong();
  }

  private static void awaitRole(NodeProcess n, Predicate<String> role) {
    await()
        .atMost(RECOVERY_BOUND)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> role.test(role(n)));
  }

  /** Waits until {@code follower} has applied what {@code leader} had committed when asked. */
  private static void awaitCaughtUp(NodeProcess follower, NodeProcess leader) {
    long committed = kv(leader).get("commitIndex").asLong();
    await()
        .atMost(RECOVERY_BOUND)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> kv(follower).get("appliedIndex").asLong() >= committed);
  }
}
