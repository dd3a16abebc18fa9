package dev.raftboot.sample.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/** A node's JVM in a container of its own; faults go through the Docker engine. */
final class NodeContainer implements NodeHandle {
  private final GenericContainer<?> container;

  private NodeContainer(GenericContainer<?> container) {
    this.container = container;
  }

  @SuppressWarnings("resource") // removed by remove(), which ContainerEnvironment.close() calls
  static NodeContainer start(
      Network network,
      String address,
      List<Path> systemDirs,
      List<Path> sharedDirs,
      List<String> command,
      Path workDir,
      Path log) {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse(ContainerEnvironment.IMAGE))
            .withNetwork(network)
            .withCreateContainerCmdModifier(cmd -> cmd.withIpv4Address(address))
            // RocksDB extracts its native library to /tmp and maps it: not noexec.
            .withTmpFs(Map.of("/tmp", "rw,exec"))
            .withWorkingDirectory(workDir.toString())
            // The image has no /bin: the shell comes from the host's /usr.
            .withCommand(
                "/usr/bin/sh",
                "-c",
                "exec " + shellWords(command) + " >>" + quote(log.toString()) + " 2>&1");
    systemDirs.forEach(d -> c.withFileSystemBind(d.toString(), d.toString(), BindMode.READ_ONLY));
    sharedDirs.forEach(d -> c.withFileSystemBind(d.toString(), d.toString(), BindMode.READ_WRITE));
    c.start();
    return new NodeContainer(c);
  }

  private static String shellWords(List<String> words) {
    return words.stream().map(NodeContainer::quote).collect(Collectors.joining(" "));
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  String id() {
    return container.getContainerId();
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  /** Runs {@code command} on the host inside this container's network namespace. */
  void inNetworkNamespace(List<String> command) {
    InspectContainerResponse.ContainerState state =
        docker().inspectContainerCmd(id()).exec().getState();
    List<String> nsenter =
        new ArrayList<>(List.of("nsenter", "-t", Long.toString(state.getPidLong()), "-n"));
    nsenter.addAll(command);
    Commands.run(nsenter);
  }

  @Override
  public boolean isAlive() {
    if (id() == null) {
      return false; // removed
    }
    try {
      return Boolean.TRUE.equals(docker().inspectContainerCmd(id()).exec().getState().getRunning());
    } catch (NotFoundException e) {
      return false;
    }
  }

  @Override
  public void kill() {
    if (isAlive()) {
      docker().killContainerCmd(id()).exec();
    }
  }

  @Override
  public void stop(Duration grace) {
    if (isAlive()) {
      docker().stopContainerCmd(id()).withTimeout((int) grace.toSeconds()).exec();
    }
  }

  @Override
  public void pause() {
    docker().pauseContainerCmd(id()).exec();
  }

  @Override
  public void resume() {
    docker().unpauseContainerCmd(id()).exec();
  }

  /** Stops the container if it runs, and removes it. */
  void remove() {
    container.stop();
  }
}
