package dev.raftboot.sample.cluster;

import dev.raftboot.sample.TestPorts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every node on 127.0.0.1 with ports of its own, as child processes: needs nothing but a JVM, and
 * offers process faults (kill, pause) but no network partitions.
 */
final class LoopbackEnvironment implements NodeEnvironment {
  private final Map<Long, int[]> ports = new ConcurrentHashMap<>();

  @Override
  public String host(long id) {
    return "127.0.0.1";
  }

  @Override
  public int httpPort(long id) {
    return ports(id)[0];
  }

  @Override
  public int raftPort(long id) {
    return ports(id)[1];
  }

  private int[] ports(long id) {
    return ports.computeIfAbsent(id, i -> new int[] {TestPorts.freePort(), TestPorts.freePort()});
  }

  @Override
  public NodeHandle launch(long id, List<String> command, Path workDir, Path log) {
    return LocalProcess.start(command, workDir, log);
  }

  @Override
  public Partitions partitions() {
    throw new UnsupportedOperationException(
        "nodes on loopback share one network stack: partitions need NamespaceEnvironment"
            + " or ContainerEnvironment");
  }

  @Override
  public void close() {}
}
