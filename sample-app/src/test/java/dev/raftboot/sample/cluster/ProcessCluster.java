package dev.raftboot.sample.cluster;

import static org.awaitility.Awaitility.await;

import dev.raftboot.sample.HttpJson;
import dev.raftboot.sample.TestPorts;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * A cluster of sample-app JVMs in a {@link NodeEnvironment} (loopback by default), each with its
 * own address, HTTP port, peer port and data directory under {@code root}. Nodes 1..{@code initial}
 * form the cluster; later ids join it. Node {@code redirectingNode} runs with {@code
 * sample.forward-writes=false}, so clients that write to it get a 307 and follow it: both write
 * paths run under every fault.
 */
final class ProcessCluster implements AutoCloseable {
  /** The sample's Raft groups. */
  static final List<String> GROUPS = List.of("kv", "jobs", "raft-scheduler");

  /** How often the sample's {@code @ScheduledOnce} job runs in these tests. */
  static final Duration JOB_RATE = Duration.ofMillis(500);

  private final Path root;
  private final NodeEnvironment environment;
  private final int initial;
  private final long redirectingNode;
  private final Map<Long, NodeProcess> nodes = new ConcurrentHashMap<>();
  private final Set<Long> retired = ConcurrentHashMap.newKeySet();
  private final Thread cleanup = new Thread(this::killAll, "process-cluster-cleanup");

  ProcessCluster(Path root, int initial, long redirectingNode) {
    this(root, new LoopbackEnvironment(), initial, redirectingNode);
  }

  ProcessCluster(Path root, NodeEnvironment environment, int initial, long redirectingNode) {
    this.root = root;
    this.environment = environment;
    this.initial = initial;
    this.redirectingNode = redirectingNode;
    TestPorts.deleteTree(root);
    for (long id = 1; id <= initial; id++) {
      define(id);
    }
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  private NodeProcess define(long id) {
    NodeProcess node = new NodeProcess(id, environment, root.resolve("node-" + id));
    nodes.put(id, node);
    return node;
  }

  /** Starts every initial node and waits until each group has a leader every node knows. */
  ProcessCluster start() {
    nodes.values().forEach(n -> n.start(arguments(n)));
    awaitLeaders(Duration.ofSeconds(120));
    return this;
  }

  /** Nodes beyond the initial ones joined the cluster (raft.join; only matters the first time). */
  private List<String> arguments(NodeProcess node) {
    boolean join = node.id() > initial;
    String members =
        nodes.values().stream()
            .filter(n -> join || n.id() <= initial)
            .sorted((a, b) -> Long.compare(a.id(), b.id()))
            .map(n -> n.id() + "=" + n.peerAddress())
            .collect(Collectors.joining(","));
    String urls =
        nodes.values().stream()
            .map(n -> n.id() + "=" + n.baseUrl())
            .collect(Collectors.joining(","));
    return List.of(
        "--server.port=" + node.httpPort(),
        "--server.address=" + node.host(),
        "--raft.node-id=" + node.id(),
        "--raft.members=" + members,
        "--raft.join=" + join,
        "--raft.cluster-id=sample-cluster-test",
        "--raft.transport.port=" + node.raftPort(),
        "--raft.transport.bind-host=" + node.host(),
        "--raft.data-dir=" + root.resolve("node-" + node.id()).resolve("raft"),
        "--raft.tick-interval=25ms",
        "--raft.election-ticks=20",
        "--raft.proposal-timeout=3s",
        "--raft.shutdown-transfer-timeout=3s",
        "--raft.snapshot.every-entries=200",
        "--raft.snapshot.keep-entries=50",
        "--sample.forward-writes=" + (node.id() != redirectingNode),
        "--sample.http-urls=" + urls,
        "--sample.jobs.rate=" + JOB_RATE.toMillis() + "ms",
        "--sample.jobs.keep=100000",
        "--management.endpoint.raft.access=unrestricted",
        "--spring.main.banner-mode=off",
        "--logging.level.root=WARN",
        "--logging.level.dev.raftboot=INFO");
  }

  NodeProcess node(long id) {
    return Objects.requireNonNull(nodes.get(id), () -> "no node " + id);
  }

  /** The nodes that are members (not retired), running or not. */
  List<NodeProcess> members() {
    return nodes.values().stream()
        .filter(n -> !retired.contains(n.id()))
        .sorted((a, b) -> Long.compare(a.id(), b.id()))
        .toList();
  }

  /** Members whose process runs and is not paused. */
  List<NodeProcess> live() {
    return members().stream().filter(n -> n.isRunning() && !n.isPaused()).toList();
  }

  NodeEnvironment environment() {
    return environment;
  }

  /** The network faults of this cluster's environment. */
  Partitions partitions() {
    return environment.partitions();
  }

  void restart(long id) {
    NodeProcess n = node(id);
    n.start(arguments(n));
  }

  /**
   * The leader of {@code group} that every live member agrees on, waiting up to {@code timeout}.
   */
  long awaitLeader(String group, Duration timeout) {
    return awaitLeader(group, timeout, Set.of());
  }

  /**
   * The leader of {@code group} that every live member but those {@code excluded} (say, the
   * minority side of a partition) agrees on, waiting up to {@code timeout}.
   */
  long awaitLeader(String group, Duration timeout, Collection<Long> excluded) {
    return await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> agreedLeader(group, excluded), Optional::isPresent)
        .orElseThrow();
  }

  void awaitLeaders(Duration timeout) {
    GROUPS.forEach(g -> awaitLeader(g, timeout));
  }

  private Optional<Long> agreedLeader(String group, Collection<Long> excluded) {
    Long leader = null;
    for (NodeProcess n : live()) {
      if (excluded.contains(n.id())) {
        continue;
      }
      JsonNode status = status(n, group);
      if (!status.get("members").has(Long.toString(n.id()))) {
        continue; // started with raft.join and not added yet: it knows no leader
      }
      long id = status.get("leaderId").asLong();
      if (id == 0 || (leader != null && leader != id)) {
        return Optional.empty();
      }
      leader = id;
    }
    if (leader == null || retired.contains(leader) || excluded.contains(leader)) {
      return Optional.empty();
    }
    JsonNode leaderStatus = status(node(leader), group);
    return "LEADER".equals(leaderStatus.get("role").asString())
        ? Optional.of(leader)
        : Optional.empty();
  }

  /** {@code /actuator/raft/{group}} of node {@code n}. */
  static JsonNode status(NodeProcess n, String group) {
    HttpResponse<String> r = n.http().get("/actuator/raft/" + group);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(n + ": raft endpoint answered " + r.statusCode());
    }
    return HttpJson.json(r);
  }

  /**
   * Adds a node that starts with raft.join: started, added as a learner of every group (through
   * each group's leader), promoted once caught up.
   */
  NodeProcess addNode(long id, Duration timeout) {
    NodeProcess n = define(id);
    n.start(arguments(n));
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> n.http().get("/actuator/health/liveness").statusCode() == 200);
    for (String group : GROUPS) {
      change(
          group,
          Map.of("operation", "add-learner", "nodeId", id, "address", n.peerAddress()),
          timeout);
      change(group, Map.of("operation", "promote", "nodeId", id), timeout);
    }
    return n;
  }

  /** Removes node {@code id} from every group, then stops it. */
  void removeNode(long id, Duration timeout) {
    for (String group : GROUPS) {
      change(group, Map.of("operation", "remove", "nodeId", id), timeout);
    }
    retired.add(id);
    node(id).stop();
  }

  /** A write operation of the raft endpoint, sent to the group's leader until it succeeds. */
  private void change(String group, Map<String, Object> body, Duration timeout) {
    String json =
        body.entrySet().stream()
            .map(
                e ->
                    "\""
                        + e.getKey()
                        + "\":"
                        + (e.getValue() instanceof String s ? "\"" + s + "\"" : e.getValue()))
            .collect(Collectors.joining(",", "{", "}"));
    AtomicReference<String> last = new AtomicReference<>("no answer");
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                long leader = awaitLeader(group, timeout);
                HttpResponse<String> r = node(leader).http().post("/actuator/raft/" + group, json);
                last.set("node " + leader + ": " + r.statusCode() + " " + r.body());
                return r.statusCode() == 200;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(group + " " + json + " failed; last answer: " + last.get(), e);
    }
  }

  /**
   * Waits until every live member has applied the same kv entries and returns them; the job logs
   * agree on their common prefix.
   */
  JsonNode awaitConvergence(Duration timeout) {
    return await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(300))
        .ignoreExceptions()
        .until(this::convergedState, Optional::isPresent)
        .orElseThrow();
  }

  private Optional<JsonNode> convergedState() {
    Map<Long, JsonNode> kv = new LinkedHashMap<>();
    Map<Long, Long> applied = new LinkedHashMap<>();
    List<JsonNode> jobLogs = new ArrayList<>();
    for (NodeProcess n : live()) {
      JsonNode st = status(n, "kv");
      if (st.get("appliedIndex").asLong() != st.get("commitIndex").asLong()) {
        return Optional.empty();
      }
      applied.put(n.id(), st.get("appliedIndex").asLong());
      kv.put(n.id(), HttpJson.json(n.http().get("/kv?consistency=stale")).get("entries"));
      jobLogs.add(HttpJson.json(n.http().get("/jobs?consistency=stale")).get("entries"));
    }
    if (kv.size() != members().size()
        || applied.values().stream().distinct().count() != 1
        || kv.values().stream().distinct().count() != 1
        || !prefixesAgree(jobLogs)) {
      return Optional.empty();
    }
    return Optional.of(kv.values().iterator().next());
  }

  private static boolean prefixesAgree(Collection<JsonNode> logs) {
    int common = logs.stream().mapToInt(JsonNode::size).min().orElse(0);
    for (int i = 0; i < common; i++) {
      final int at = i;
      if (logs.stream().map(l -> l.get(at)).distinct().count() != 1) {
        return false;
      }
    }
    return true;
  }

  /** Every member's log tail, for a failure report. */
  String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (NodeProcess n : nodes.values()) {
      out.append("==== ").append(n).append(" (").append(n.log()).append(") ====\n");
      out.append(n.logTail(lines)).append('\n');
    }
    return out.toString();
  }

  private void killAll() {
    nodes.values().forEach(NodeProcess::kill);
  }

  /** Kills every node; deletes the data when {@code keepData} is false. */
  void close(boolean keepData) {
    killAll();
    environment.close();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
    if (!keepData) {
      TestPorts.deleteTree(root);
    }
  }

  @Override
  public void close() {
    close(true);
  }
}
