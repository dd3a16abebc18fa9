package dev.raftboot.sample.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/**
 * Every node in a container of its own on a Testcontainers {@link Network}, at a fixed address
 * ({@code 172.30.X.(10 + id)}) that the test JVM reaches through the engine's bridge.
 *
 * <p>No image can be pulled where these tests run, so the node image is built here: an empty image
 * imported from an empty archive, run with the host's {@code /usr}, {@code /lib}, {@code /lib64}
 * and the JDK mounted read-only and the test's work directory (jar, data, logs) at the same path.
 *
 * <p>Faults: kill ({@code docker kill}), pause ({@code docker pause}), {@link #disconnect} of a
 * container from the network (it then reaches no one, and no one reaches it, clients included), and
 * the {@link Partitions} cuts, made as iptables rules inside a container's network namespace
 * (entered from the host with nsenter), which cut peer traffic only.
 */
final class ContainerEnvironment implements NodeEnvironment, Partitions {
  static final String IMAGE = "raftboot-node:empty";

  private final List<Path> sharedDirs;
  private final String subnet;
  private final Network network;
  private final Map<Long, NodeContainer> containers = new ConcurrentHashMap<>();

  /**
   * @param sharedDirs directories mounted at the same path in every container (read-write): the jar
   *     and the nodes' data directories must be under them
   */
  ContainerEnvironment(List<Path> sharedDirs) {
    this.sharedDirs = List.copyOf(sharedDirs);
    this.subnet = "172.30." + new SplittableRandom().nextInt(256) + ".";
    importEmptyImage();
    this.network =
        Network.builder()
            .createNetworkCmdModifier(
                cmd ->
                    cmd.withIpam(
                        new com.github.dockerjava.api.model.Network.Ipam()
                            .withConfig(
                                new com.github.dockerjava.api.model.Network.Ipam.Config()
                                    .withSubnet(subnet + "0/24"))))
            .build();
  }

  /** Why no container can run here (no engine, no nsenter or iptables), or empty when one can. */
  static Optional<String> unavailableBecause() {
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return Optional.of("no Docker engine is reachable");
      }
    } catch (RuntimeException | LinkageError e) {
      return Optional.of("no Docker engine is reachable (" + e + ")");
    }
    for (List<String> tool :
        List.of(
            List.of("nsenter", "--version"),
            List.of("iptables", "-V"),
            List.of("docker", "--version"))) {
      if (Commands.attempt(tool).exitCode() != 0) {
        return Optional.of(tool.get(0) + " is not installed");
      }
    }
    return Optional.empty();
  }

  private static void importEmptyImage() {
    DockerClient docker = DockerClientFactory.instance().client();
    if (!docker.listImagesCmd().withReferenceFilter(IMAGE).exec().isEmpty()) {
      return;
    }
    // Through the docker command, not docker-java's createImageCmd: as shaded in Testcontainers
    // 2.0.5, that call posts "{}" instead of the archive (seen on the wire), and the engine fails
    // the import ("ApplyLayer ... unexpected EOF"). The archive is an empty tar as GNU tar writes
    // one: zero blocks, 10 KiB.
    Path archive = null;
    try {
      archive = Files.createTempFile("raftboot-empty", ".tar");
      Files.write(archive, new byte[10_240]);
      Commands.run(List.of("docker", "import", archive.toString(), IMAGE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (archive != null) {
        archive.toFile().delete();
      }
    }
  }

  /** The host directories every container sees, read-only, to run the host's JDK. */
  private List<Path> systemDirs() {
    List<Path> dirs = new ArrayList<>();
    for (String d :
        List.of("/usr", "/lib", "/lib64", "/etc/alternatives", "/etc/java-17-openjdk")) {
      if (Files.isDirectory(Path.of(d))) {
        dirs.add(Path.of(d));
      }
    }
    Path javaHome = Path.of(System.getProperty("java.home")).toAbsolutePath();
    if (!javaHome.startsWith("/usr")) {
      dirs.add(javaHome);
    }
    return dirs;
  }

  @Override
  public String host(long id) {
    if (id < 1 || id > 240) {
      throw new IllegalArgumentException("node ids 1..240 have an address here, not " + id);
    }
    return subnet + (10 + id);
  }

  @Override
  public NodeHandle launch(long id, List<String> command, Path workDir, Path log) {
    NodeContainer previous = containers.remove(id);
    if (previous != null) {
      previous.remove();
    }
    NodeContainer node =
        NodeContainer.start(network, host(id), systemDirs(), sharedDirs, command, workDir, log);
    containers.put(id, node);
    return node;
  }

  /** Disconnects node {@code id}'s container from the network: nothing reaches it or leaves it. */
  void disconnect(long id) {
    DockerClientFactory.instance()
        .client()
        .disconnectFromNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(container(id).id())
        .withForce(true)
        .exec();
  }

  /** Connects node {@code id}'s container to the network again, at its address. */
  void reconnect(long id) {
    DockerClientFactory.instance()
        .client()
        .connectToNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(container(id).id())
        .withContainerNetwork(
            new ContainerNetwork()
                .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(host(id))))
        .exec();
  }

  @Override
  public Partitions partitions() {
    return this;
  }

  @Override
  public void cut(long from, long to) {
    container(from).inNetworkNamespace(Iptables.dropTo(host(to), raftPort(to)));
  }

  @Override
  public void heal() {
    for (NodeContainer c : containers.values()) {
      if (c.isAlive()) {
        c.inNetworkNamespace(Iptables.FLUSH);
      }
    }
  }

  private NodeContainer container(long id) {
    NodeContainer c = containers.get(id);
    if (c == null) {
      throw new IllegalStateException("node " + id + " has no container");
    }
    return c;
  }

  @Override
  public void close() {
    containers.values().forEach(NodeContainer::remove);
    containers.clear();
    network.close();
  }

  @Override
  public String toString() {
    return "containers on " + subnet + "0/24";
  }
}
