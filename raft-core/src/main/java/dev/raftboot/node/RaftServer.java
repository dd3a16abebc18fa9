package dev.raftboot.node;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.snapshot.SnapshotStore;
import dev.raftboot.transport.GrpcTransport;
import dev.raftboot.transport.GrpcTransportConfig;
import dev.raftboot.transport.TempDirSnapshotSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One node of a cluster, hosting many Raft groups: one RocksDB store, one gRPC transport, one
 * thread pool and one timer for all of them (a thousand idle groups cost no thread).
 *
 * <pre>{@code
 * try (RaftServer server = RaftServer.start(config)) {
 *   RaftGroup orders = server.group("orders", new OrdersStateMachine(), voters,
 *       GroupOptions.defaults("orders"), RaftConfig.builder().preVote(true).checkQuorum(true));
 *   orders.propose(command).get();
 * }
 * }</pre>
 */
public final class RaftServer implements AutoCloseable {
  private final ServerConfig config;
  private final RocksDbStore store;
  private final GrpcTransport transport;
  private final TransportBinding binding = new TransportBinding();
  private final ExecutorService pool;
  private final ScheduledExecutorService timer;
  private final Map<String, RaftGroup> groups = new ConcurrentHashMap<>();

  private RaftServer(ServerConfig config) {
    this.config = config;
    this.store = RocksDbStore.open(config.dataDir().resolve("raft"));
    GrpcTransportConfig.Builder transportConfig =
        GrpcTransportConfig.builder()
            .nodeId(config.nodeId())
            .clusterId(config.clusterId())
            .bindHost(config.bindHost())
            .port(config.port())
            .snapshotSink(new TempDirSnapshotSink(config.dataDir().resolve("incoming")));
    if (config.tls() != null) {
      transportConfig.tls(config.tls());
    }
    this.transport = new GrpcTransport(transportConfig.build(), binding);
    this.pool = Executors.newFixedThreadPool(config.threads(), daemon("raft-pool"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("raft-timer"));
  }

  /** Opens the store, starts serving peer traffic, and connects to the peers. */
  public static RaftServer start(ServerConfig config) {
    RaftServer server = new RaftServer(config);
    try {
      server.transport.start();
    } catch (IOException e) {
      server.store.close();
      throw new UncheckedIOException(
          "cannot serve peer traffic on " + config.bindHost() + ":" + config.port(), e);
    }
    server.binding.attach(server.transport);
    config.peers().forEach(server.transport::addPeer);
    return server;
  }

  /** The port peer traffic is served on. */
  public int port() {
    return transport.port();
  }

  /**
   * Opens (or creates, with {@code initialVoters}) the group {@code name} and starts it. Its log
   * lives in this server's store, its snapshots under {@code dataDir/snapshots/name}.
   *
   * @throws IllegalStateException if a group of that name is already open
   */
  public RaftGroup group(
      String name,
      StateMachine stateMachine,
      ConfState initialVoters,
      GroupOptions options,
      RaftConfig.Builder raftConfig) {
    if (!options.name().equals(name)) {
      throw new IllegalArgumentException(
          "GroupOptions.name " + options.name() + " differs from the group name " + name);
    }
    if (groups.containsKey(name)) {
      throw new IllegalStateException("group " + name + " is already open on this server");
    }
    RocksDbGroupStorage storage =
        RocksDbGroupStorage.bootstrapIfEmpty(
            store.group(name),
            SnapshotStore.open(config.dataDir().resolve("snapshots").resolve(name), 2),
            initialVoters);
    RaftGroup group =
        new RaftGroup(
            options,
            raftConfig.id(config.nodeId()).build(),
            storage,
            stateMachine,
            binding.senderFor(name),
            pool,
            timer);
    groups.put(name, group);
    binding.bind(group);
    group.start();
    return group;
  }

  /**
   * Closes every group (leaders hand leadership over first, within {@code grace} each), then the
   * transport and the store.
   */
  public void close(Duration grace) {
    groups.values().forEach(g -> g.close(grace));
    groups.keySet().forEach(binding::unbind);
    groups.clear();
    transport.close();
    timer.shutdownNow();
    pool.shutdownNow();
    store.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
