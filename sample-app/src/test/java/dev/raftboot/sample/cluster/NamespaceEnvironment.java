package dev.raftboot.sample.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every node in a Linux network namespace of its own, as on a host of its own: one address ({@code
 * 10.213.X.id}), one interface on a bridge that lives in a further "switch" namespace, and a veth
 * from the test JVM's namespace to that bridge, so the test reaches every node. Partitions are
 * iptables rules in the sending node's namespace that drop its packets to a peer's Raft port: a cut
 * from a to b loses a's messages to b while b's still reach a (b's stream to a runs on a connection
 * b opened, to a's port), a real one-way partition.
 *
 * <p>The bridge sits in a namespace of its own so that no firewall of the test's host (Docker's
 * FORWARD policy, with br_netfilter) sees the nodes' traffic. Needs root, iproute2 and iptables:
 * {@link #unavailableBecause()} says what is missing.
 */
final class NamespaceEnvironment implements NodeEnvironment, Partitions {

  private final String run;
  private final String subnet;
  private final Set<Long> nodes = ConcurrentHashMap.newKeySet();
  private final Thread cleanup = new Thread(this::removeAll, "namespace-cleanup");

  NamespaceEnvironment() {
    SplittableRandom random = new SplittableRandom();
    run = Integer.toHexString(0x1000 + random.nextInt(0xefff));
    subnet = "10.213." + random.nextInt(256) + ".";
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      String sw = switchNamespace();
      Commands.run(List.of("ip", "netns", "add", sw));
      ip(sw, "link", "add", "br0", "type", "bridge");
      ip(sw, "link", "set", "br0", "up");
      ip(sw, "link", "set", "lo", "up");
      Commands.run(
          List.of(
              "ip", "link", "add", hostLink(), "type", "veth", "peer", "name", "up0", "netns", sw));
      Commands.run(List.of("ip", "addr", "add", subnet + "254/24", "dev", hostLink()));
      Commands.run(List.of("ip", "link", "set", hostLink(), "up"));
      ip(sw, "link", "set", "up0", "master", "br0", "up");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Why namespaces cannot be made here (not root, a tool missing, no permission), or empty when
   * they can.
   */
  static Optional<String> unavailableBecause() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return Optional.of("network namespaces exist on Linux only");
    }
    Commands.Result uid = Commands.attempt(List.of("id", "-u"));
    if (uid.exitCode() != 0 || !uid.output().strip().equals("0")) {
      return Optional.of("network namespaces need root (uid " + uid.output().strip() + ")");
    }
    for (List<String> tool : List.of(List.of("ip", "-V"), List.of("iptables", "-V"))) {
      Commands.Result r = Commands.attempt(tool);
      if (r.exitCode() != 0) {
        return Optional.of(tool.get(0) + " is not installed (" + r.output().strip() + ")");
      }
    }
    // The probe builds what a test builds: the bridge, one node, one iptables rule.
    try (NamespaceEnvironment probe = new NamespaceEnvironment()) {
      probe.nodes.add(1L);
      probe.addNode(1);
      probe.cut(1, 2);
      probe.heal();
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("network namespaces cannot be set up here: " + e.getMessage());
    }
  }

  @Override
  public String host(long id) {
    if (id < 1 || id > 250) {
      throw new IllegalArgumentException("node ids 1..250 have an address here, not " + id);
    }
    return subnet + id;
  }

  @Override
  public NodeHandle launch(long id, List<String> command, Path workDir, Path log) {
    if (nodes.add(id)) {
      addNode(id);
    }
    // ip netns exec execs the command: the process is the JVM itself, so signals reach it.
    return LocalProcess.start(inNamespace(id, command), workDir, log);
  }

  private void addNode(long id) {
    String ns = namespace(id);
    String port = "n" + id;
    Commands.run(List.of("ip", "netns", "add", ns));
    Commands.run(
        List.of(
            "ip",
            "link",
            "add",
            "name",
            "eth0",
            "netns",
            ns,
            "type",
            "veth",
            "peer",
            "name",
            port,
            "netns",
            switchNamespace()));
    ip(switchNamespace(), "link", "set", port, "master", "br0", "up");
    ip(ns, "addr", "add", host(id) + "/24", "dev", "eth0");
    ip(ns, "link", "set", "eth0", "up");
    ip(ns, "link", "set", "lo", "up");
  }

  @Override
  public Partitions partitions() {
    return this;
  }

  @Override
  public void cut(long from, long to) {
    Commands.run(inNamespace(from, Iptables.dropTo(host(to), raftPort(to))));
  }

  @Override
  public void heal() {
    for (long id : nodes) {
      Commands.run(inNamespace(id, Iptables.FLUSH));
    }
  }

  @Override
  public void close() {
    removeAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }

  private void removeAll() {
    for (long id : nodes) {
      Commands.attempt(List.of("ip", "netns", "del", namespace(id)));
    }
    Commands.attempt(List.of("ip", "netns", "del", switchNamespace()));
    Commands.attempt(List.of("ip", "link", "del", hostLink()));
  }

  private List<String> inNamespace(long id, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(id)));
    full.addAll(command);
    return full;
  }

  private static void ip(String namespace, String... args) {
    List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
    command.addAll(List.of(args));
    Commands.run(command);
  }

  private String namespace(long id) {
    return "rb" + run + "n" + id;
  }

  private String switchNamespace() {
    return "rb" + run + "sw";
  }

  private String hostLink() {
    return "rbh" + run;
  }

  @Override
  public String toString() {
    return "network namespaces " + subnet + "0/24";
  }
}
