package dev.raftboot.node;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.snapshot.SnapshotStore;
import dev.raftboot.transport.GrpcTransport;
import dev.raftboot.transport.GrpcTransportConfig;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.Transport;
import dev.raftboot.transport.TransportStats;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(RaftServer.class);

  /** How long {@link #close(Duration)} waits for work already queued on the pool to finish. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final ServerConfig config;
  private final RocksDbStore store;
  private final WriteCoordinator writes;
  private final GrpcTransport transport;
  private final TransportBinding binding;
  private final ExecutorService pool;
  private final ExecutorService applyPool;
  private final ScheduledThreadPoolExecutor timer;
  private final Map<String, RaftGroup> groups = new ConcurrentHashMap<>();
  private boolean started;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean externalServer;

  private RaftServer(ServerConfig config, Consumer<GrpcTransportConfig.Builder> transportSettings) {
    this.config = config;
    this.store = RocksDbStore.open(config.dataDir().resolve("raft"));
    this.writes = new WriteCoordinator(store);
    try {
      // After the store is open: its lock keeps a second process out while this one checks.
      DataDirectoryIdentity.claim(config.dataDir(), config.clusterId(), config.nodeId());
      this.binding =
          new TransportBinding(
              MembershipDirectory.open(config.dataDir().resolve("membership.properties")));
      GrpcTransportConfig transportConfig = transportConfig(config, transportSettings, binding);
      this.externalServer = transportConfig.externalServer();
      this.transport = new GrpcTransport(transportConfig, binding);
    } catch (RuntimeException e) {
      // Unlocks the data directory: the caller may fix the setting and try again in this JVM.
      store.close();
      throw e;
    }
    this.pool = Executors.newFixedThreadPool(config.threads(), daemon("raft-loop"));
    this.applyPool = Executors.newFixedThreadPool(config.applyThreads(), daemon("raft-apply"));
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("raft-timer"));
    // Every proposal and read arms a timeout and cancels it when answered: without this, each
    // answered one would stay queued (holding its future and result) for the whole timeout.
    timer.setRemoveOnCancelPolicy(true);
  }

  private static GrpcTransportConfig transportConfig(
      ServerConfig config,
      Consumer<GrpcTransportConfig.Builder> transportSettings,
      TransportBinding binding) {
    GrpcTransportConfig.Builder transportConfig =
        GrpcTransportConfig.builder()
            .nodeId(config.nodeId())
            .clusterId(config.clusterId())
            .bindHost(config.bindHost())
            .port(config.port())
            // Incoming images go straight into each group's snapshot directory.
            .snapshotSink(binding);
    if (config.tls() != null) {
      transportConfig.tls(config.tls());
    }
    transportSettings.accept(transportConfig);
    return transportConfig.build();
  }

  /** Tasks waiting on the shared timer: tickers and the timeouts of unanswered requests. */
  int timerQueueSize() {
    return timer.getQueue().size();
  }

  /** Opens the store, starts serving peer traffic, and connects to the peers. */
  public static RaftServer start(ServerConfig config) {
    return create(config, transport -> {}).start();
  }

  /**
   * Opens the store and prepares the transport without serving or connecting yet, so that a
   * container can wire the server first and {@link #start()} it later.
   *
   * @param transportSettings adjusts the transport beyond {@code config} (limits, queues, or {@link
   *     GrpcTransportConfig.Builder#externalServer serving on the application's gRPC server})
   * @throws dev.raftboot.storage.StoreLockedException if another process has the data directory
   *     open
   */
  public static RaftServer create(
      ServerConfig config, Consumer<GrpcTransportConfig.Builder> transportSettings) {
    return new RaftServer(config, transportSettings);
  }

  /**
   * Starts serving peer traffic (unless the application's gRPC server does) and connects to the
   * peers.
   *
   * @return this server
   * @throws UncheckedIOException if the peer port cannot be bound
   * @throws RuntimeException what else kept the transport from serving (TLS material that cannot be
   *     used); in every case the store is closed then, its directory unlocked
   */
  public synchronized RaftServer start() {
    if (started) {
      throw new IllegalStateException("server already started");
    }
    try {
      transport.start();
    } catch (IOException e) {
      releaseAfterFailedStart();
      throw new UncheckedIOException(
          "cannot serve peer traffic on " + config.bindHost() + ":" + config.port(), e);
    } catch (RuntimeException e) {
      releaseAfterFailedStart();
      throw e;
    }
    binding.attach(transport);
    binding.addPeers(config.peers());
    binding.advertise(new PeerAddress(config.bindHost(), advertisedPort()));
    started = true;
    return this;
  }

  /**
   * A port taken, or TLS material that cannot be used: releases everything, the data directory's
   * lock included, so that a corrected start in this JVM can open it.
   */
  private void releaseAfterFailedStart() {
    closed.set(true); // a later close() has nothing left to do
    transport.close();
    timer.shutdownNow();
    pool.shutdownNow();
    applyPool.shutdownNow();
    store.close();
  }

  /** The gRPC service of peer traffic, for an application that serves it on its own server. */
  public ServerServiceDefinition peerService() {
    return transport.peerService();
  }

  /**
   * Stops taking inbound peer traffic (outbound goes on), before a shutdown: see {@link
   * GrpcTransport#refuseInbound()}.
   */
  public void refuseInbound() {
    transport.refuseInbound();
  }

  /** This server's node id. */
  public long nodeId() {
    return config.nodeId();
  }

  /**
   * The open group {@code name}.
   *
   * @throws IllegalArgumentException if no group of that name is open on this server
   */
  public RaftGroup group(String name) {
    RaftGroup group = groups.get(name);
    if (group == null) {
      throw new IllegalArgumentException(
          "no group "
              + name
              + " is open on node "
              + config.nodeId()
              + "; open: "
              + groups.keySet());
    }
    return group;
  }

  /** The names of the groups open on this server. */
  public Set<String> groupNames() {
    return Set.copyOf(groups.keySet());
  }

  /** The port peer traffic is served on. */
  public int port() {
    return transport.port();
  }

  /** The bound port, or the configured one when the application's gRPC server serves peers. */
  private int advertisedPort() {
    return externalServer ? config.port() : transport.port();
  }

  /**
   * Opens (or creates, with {@code initialVoters}) the group {@code name} and starts it. Its log
   * lives in this server's store, its snapshots under {@code dataDir/snapshots/name}. With an empty
   * {@code initialVoters} a new group is opened in join mode, as {@link #join} does.
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
    RocksDbLogStorage raftLog = store.group(name);
    // Bootstrapped now: its voters have heard from no leader yet, and vote at once.
    boolean fresh = raftLog.isEmpty();
    RocksDbGroupStorage storage =
        RocksDbGroupStorage.bootstrapIfEmpty(
            raftLog,
            SnapshotStore.open(config.dataDir().resolve("snapshots").resolve(name), 2),
            initialVoters,
            writes);
    RaftGroup group =
        new RaftGroup(
            options,
            raftConfig.id(config.nodeId()).freshStart(fresh).build(),
            storage,
            stateMachine,
            binding.senderFor(name),
            pool,
            applyPool,
            timer);
    groups.put(name, group);
    binding.bind(group);
    group.start();
    return group;
  }

  /**
   * Opens the group {@code name} on this node to join an existing cluster: with no stored state it
   * starts with an empty configuration and waits (it never campaigns) until the group's leader adds
   * it with {@link RaftGroup#addLearner(long, PeerAddress)} and replicates its log or a snapshot to
   * it. Once it has stored state, this is the same as {@link #group}: it restarts from disk.
   */
  public RaftGroup join(
      String name, StateMachine stateMachine, GroupOptions options, RaftConfig.Builder raftConfig) {
    return group(name, stateMachine, ConfState.getDefaultInstance(), options, raftConfig);
  }

  /** The address peer traffic reaches this node at (the bind host and the bound port). */
  public PeerAddress address() {
    return new PeerAddress(config.bindHost(), advertisedPort());
  }

  /** Addresses and removed ids this server knows of (see {@link MembershipDirectory}). */
  public MembershipDirectory membershipDirectory() {
    return binding.directory();
  }

  /** Group commit across this server's groups: how many syncs carried how many writes. */
  public WriteCoordinator writeCoordinator() {
    return writes;
  }

  /** The peer transport's counters. */
  public TransportStats transportStats() {
    return transport.stats();
  }

  /** The peer transport (for its counters and {@link dev.raftboot.transport.TransportMetrics}). */
  public Transport transport() {
    return transport;
  }

  /**
   * Hands every group this node leads to another voter, all at once, and waits until each has
   * stepped down and knows its new leader, up to {@code grace} in all: a node that leads a thousand
   * groups pauses each for one hand-off, and its shutdown for about as long, not for a thousand in
   * turn. The groups keep running here as followers.
   *
   * @return the names of the groups this node still leads (no voter could take them, or the grace
   *     ran out)
   */
  public Set<String> handOffLeadership(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<RaftGroup> handingOff = new ArrayList<>();
    for (RaftGroup g : groups.values()) {
      if (g.startHandOff()) {
        handingOff.add(g);
      }
    }
    for (RaftGroup g : handingOff) {
      g.awaitHandOff(deadline);
    }
    Set<String> stillLeading = new TreeSet<>();
    groups.forEach(
        (name, g) -> {
          if (g.status().role() == StateRole.LEADER) {
            stillLeading.add(name);
          }
        });
    return stillLeading;
  }

  /**
   * Closes every group, then the transport: leaders first hand leadership over, all at once ({@link
   * #handOffLeadership}), and proposals made here get the rest of {@code grace} to apply; {@code
   * grace} bounds the whole server's hand-off, not each group's. Then waits (up to {@link
   * #DRAIN_TIMEOUT}) for the work already queued on the pool — entries being applied, and the
   * failing of reads and proposals still waiting — and closes the store. Closing again does
   * nothing.
   */
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    handOffLeadership(grace);
    groups.values().forEach(g -> g.awaitProposals(deadline));
    groups.values().forEach(RaftGroup::close);
    // The transport stops before the groups are unbound: peers keep sending until it does, and a
    // closed group drops their traffic quietly, where an unbound one would count and log it as
    // traffic for an unknown group.
    transport.close();
    groups.keySet().forEach(binding::unbind);
    groups.clear();
    timer.shutdownNow();
    pool.shutdown();
    applyPool.shutdown();
    long drainedBy = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    try {
      boolean drained =
          pool.awaitTermination(drainedBy - System.nanoTime(), TimeUnit.NANOSECONDS)
              && applyPool.awaitTermination(drainedBy - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (!drained) {
        log.warn(
            "node {}: work still queued after {} s (a state machine that does not return?);"
                + " stopping it",
            config.nodeId(),
            DRAIN_TIMEOUT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
    applyPool.shutdownNow();
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
