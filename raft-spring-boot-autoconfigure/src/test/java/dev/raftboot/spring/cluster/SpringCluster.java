package dev.raftboot.spring.cluster;

import static org.awaitility.Awaitility.await;

import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.RaftTemplate;
import dev.raftboot.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Application contexts of {@link ClusterApp} in this JVM, one per node, on loopback ports. */
final class SpringCluster implements AutoCloseable {
  private final Path dataRoot;
  private final int[] ports;
  private final String members;
  private final int initial;
  private final String[] extraProperties;
  private final Map<Long, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

  SpringCluster(int size, Path dataRoot, String... extraProperties) {
    this(size, size, dataRoot, extraProperties);
  }

  /** A cluster formed by nodes 1..{@code initial}; nodes up to {@code size} can join it later. */
  SpringCluster(int size, int initial, Path dataRoot, String... extraProperties) {
    this.dataRoot = dataRoot;
    this.ports = IntStream.range(0, size).map(i -> freePort()).toArray();
    this.initial = initial;
    this.members = members(initial);
    this.extraProperties = extraProperties;
  }

  private String members(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> (i + 1) + "=127.0.0.1:" + ports[i])
        .collect(Collectors.joining(","));
  }

  SpringCluster startAll() {
    for (long id = 1; id <= initial; id++) {
      start(id);
    }
    return this;
  }

  /** The peer address of node {@code id}. */
  String address(long id) {
    return "127.0.0.1:" + ports[(int) id - 1];
  }

  ConfigurableApplicationContext start(long id) {
    return start(id, id > initial);
  }

  /** Starts node {@code id}; a joining node starts empty and waits to be added. */
  ConfigurableApplicationContext start(long id, boolean join) {
    List<String> props = new ArrayList<>();
    props.add("raft.node-id=" + id);
    props.add("raft.members=" + (join ? members(ports.length) : members));
    props.add("raft.join=" + join);
    props.add("raft.cluster-id=spring-cluster-test");
    props.add("raft.data-dir=" + dataRoot.resolve("node-" + id));
    props.add("raft.transport.port=" + ports[(int) id - 1]);
    // Used when the application runs Spring Boot's gRPC server (test.user-grpc-service=true).
    props.add("spring.grpc.server.port=" + ports[(int) id - 1]);
    props.add("spring.grpc.server.address=127.0.0.1");
    props.add("raft.transport.bind-host=127.0.0.1");
    props.add("raft.tick-interval=20ms");
    props.add("raft.shutdown-transfer-timeout=2s");
    props.add("spring.main.banner-mode=off");
    props.addAll(Arrays.asList(extraProperties));
    ConfigurableApplicationContext ctx =
        new SpringApplicationBuilder(ClusterApp.class)
            .web(WebApplicationType.NONE)
            .properties(props.toArray(String[]::new))
            .run();
    nodes.put(id, ctx);
    return ctx;
  }

  void stop(long id) {
    ConfigurableApplicationContext ctx = nodes.remove(id);
    if (ctx != null) {
      ctx.close();
    }
  }

  ConfigurableApplicationContext node(long id) {
    return nodes.get(id);
  }

  Map<Long, ConfigurableApplicationContext> running() {
    return Map.copyOf(nodes);
  }

  RaftTemplate template(long id) {
    return nodes.get(id).getBean(RaftTemplate.class);
  }

  <T> T bean(long id, Class<T> type) {
    return nodes.get(id).getBean(type);
  }

  /**
   * The node that leads {@code group} (leadership granted), once one does and every running node
   * knows it.
   */
  long awaitLeader(String group) {
    long leader =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> leaderOf(group), Optional::isPresent)
            .orElseThrow();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                nodes.values().stream()
                    .allMatch(
                        c ->
                            c.getBean(RaftTemplate.class).group(group).status().leaderId()
                                == leader));
    return leader;
  }

  Optional<Long> leaderOf(String group) {
    return nodes.entrySet().stream()
        .filter(e -> e.getValue().getBean(RaftRuntime.class).isRunning())
        .filter(e -> e.getValue().getBean(RaftTemplate.class).isLeader(group))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  @Override
  public void close() {
    new ArrayList<>(nodes.keySet()).forEach(this::stop);
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
