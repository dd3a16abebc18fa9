package dev.raftboot.sample.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the nodes of a {@link ProcessCluster} run, at which address, and how network faults reach
 * them. Every address is reachable from the test JVM, so clients and checks talk to every node
 * directly whatever the environment.
 */
interface NodeEnvironment extends AutoCloseable {
  /** The address node {@code id} binds to and is reached at. */
  String host(long id);

  /** Node {@code id}'s HTTP port; nodes with addresses of their own all use 8080. */
  default int httpPort(long id) {
    return 8080;
  }

  /** Node {@code id}'s peer (Raft) port; nodes with addresses of their own all use 7070. */
  default int raftPort(long id) {
    return 7070;
  }

  /** Starts node {@code id}'s JVM ({@code command}) in {@code workDir}, output to {@code log}. */
  NodeHandle launch(long id, List<String> command, Path workDir, Path log);

  /**
   * The network faults this environment can inject.
   *
   * @throws UnsupportedOperationException where nodes share one network stack (loopback)
   */
  Partitions partitions();

  /** Removes what the environment set up; nodes must be stopped first. */
  @Override
  void close();
}
