package dev.raftboot.node;

import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.TlsConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RaftServer} needs: who it is, where it listens, its peers, and where it keeps its
 * data.
 *
 * @param nodeId this node's id (> 0)
 * @param clusterId refuses traffic from nodes of another cluster
 * @param bindHost the address peer traffic is served on
 * @param port the port peer traffic is served on (0 picks a free one)
 * @param peers the other nodes' addresses, by node id
 * @param dataDir where the RocksDB store and snapshot files live
 * @param threads size of the pool that runs every group's Raft loop (steps, persists, sends)
 * @param applyThreads size of the pool that runs every group's state machine and leadership
 *     listeners: a separate pool, so that state machines that block in {@code apply} hold up other
 *     state machines at worst, never the loops that send heartbeats
 * @param tls TLS for peer traffic, or null for plaintext
 */
public record ServerConfig(
    long nodeId,
    String clusterId,
    String bindHost,
    int port,
    Map<Long, PeerAddress> peers,
    Path dataDir,
    int threads,
    int applyThreads,
    TlsConfig tls) {

  public ServerConfig {
    if (nodeId <= 0) {
      throw new IllegalArgumentException("ServerConfig.nodeId must be positive, was " + nodeId);
    }
    Objects.requireNonNull(clusterId, "ServerConfig.clusterId");
    Objects.requireNonNull(bindHost, "ServerConfig.bindHost");
    Objects.requireNonNull(dataDir, "ServerConfig.dataDir");
    if (peers.containsKey(nodeId)) {
      throw new IllegalArgumentException(
          "ServerConfig.peers must not contain this node's own id " + nodeId);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("ServerConfig.threads must be positive, was " + threads);
    }
    if (applyThreads < 1) {
      throw new IllegalArgumentException(
          "ServerConfig.applyThreads must be positive, was " + applyThreads);
    }
    peers = Map.copyOf(peers);
  }

  /** A config whose apply pool has as many threads as its loop pool. */
  public ServerConfig(
      long nodeId,
      String clusterId,
      String bindHost,
      int port,
      Map<Long, PeerAddress> peers,
      Path dataDir,
      int threads,
      TlsConfig tls) {
    this(nodeId, clusterId, bindHost, port, peers, dataDir, threads, threads, tls);
  }
}
