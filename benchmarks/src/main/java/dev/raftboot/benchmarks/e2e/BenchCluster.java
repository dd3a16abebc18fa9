package dev.raftboot.benchmarks.e2e;

import dev.raftboot.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Three {@link NodeProcess}es on loopback, each with its own data dir under one directory. */
final class BenchCluster implements AutoCloseable {
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<String> jvmOptions;

  /**
   * @param ioThreads the transport's event loop threads per node ({@code
   *     GrpcTransportConfig.ioThreads}; 0: gRPC's shared loops)
   */
  BenchCluster(Path dir, int size, Timing timing, int ioThreads, List<String> jvmOptions)
      throws IOException {
    this.jvmOptions = jvmOptions;
    int[] ports = new int[size];
    for (int i = 0; i < size; i++) {
      ports[i] = freePort();
    }
    for (int i = 0; i < size; i++) {
      long id = i + 1;
      StringBuilder peers = new StringBuilder();
      for (int j = 0; j < size; j++) {
        if (j != i) {
          peers.append(peers.length() > 0 ? "," : "").append(j + 1).append("=127.0.0.1:");
          peers.append(ports[j]);
        }
      }
      Path dataDir = Files.createDirectories(dir.resolve("node-" + id));
      List<String> args =
          List.of(
              "--id", Long.toString(id),
              "--port", Integer.toString(ports[i]),
              "--peers", peers.toString(),
              "--dir", dataDir.toString(),
              "--tick-ms", Long.toString(timing.tickMs()),
              "--election-ticks", Integer.toString(timing.electionTicks()),
              "--heartbeat-ticks", Integer.toString(timing.heartbeatTicks()),
              "--io-threads", Integer.toString(ioThreads));
      Path tmpDir = Files.createDirectories(dir.resolve("node-" + id + "-tmp"));
      nodes.add(new NodeProcess(id, ports[i], args, dir.resolve("node-" + id + ".log"), tmpDir));
    }
  }

  /** Raft timing of the benchmark's group. */
  record Timing(long tickMs, int electionTicks, int heartbeatTicks) {
    long electionTimeoutMs() {
      return tickMs * electionTicks;
    }
  }

  void start() throws IOException {
    for (NodeProcess node : nodes) {
      node.start(jvmOptions);
    }
  }

  void restart(NodeProcess node) throws IOException {
    node.start(jvmOptions);
  }

  /** The node that leads, once all live nodes agree on it (waits up to {@code timeout}). */
  NodeProcess leader(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      NodeProcess leader = null;
      boolean agreed = true;
      long seen = -1;
      for (NodeProcess node : nodes) {
        if (!node.isAlive()) {
          continue;
        }
        Map<String, String> status = NodeProcess.fields(node.ask("status", Duration.ofSeconds(10)));
        long leaderId = Long.parseLong(status.get("leaderId"));
        if (Boolean.parseBoolean(status.get("leader"))) {
          leader = node;
        }
        agreed &= leaderId != 0 && (seen == -1 || seen == leaderId);
        seen = leaderId;
      }
      if (leader != null && agreed) {
        return leader;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no leader agreed on within " + timeout);
  }

  /** A live node other than {@code leader}. */
  NodeProcess follower(NodeProcess leader) {
    return nodes.stream()
        .filter(n -> n != leader && n.isAlive())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no live follower"));
  }

  List<NodeProcess> nodes() {
    return nodes;
  }

  /** Closes every live node gracefully (then forcibly if it hangs). */
  @Override
  public void close() throws IOException, InterruptedException {
    for (NodeProcess node : nodes) {
      if (node.isAlive()) {
        try {
          node.send("shutdown 0");
        } catch (IOException e) {
          // already gone
        }
      }
    }
    for (NodeProcess node : nodes) {
      if (node.isAlive()) {
        node.awaitExit(Duration.ofSeconds(15));
      }
    }
  }

  private static int freePort() throws IOException {
    return FreePorts.next();
  }
}
