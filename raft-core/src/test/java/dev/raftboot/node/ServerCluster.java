package dev.raftboot.node;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.FreePorts;
import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.transport.GrpcTransportConfig;
import dev.raftboot.transport.LinkFaults;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Real servers of one cluster on loopback: each a {@link RaftServer} (gRPC, RocksDB) hosting the
 * group "kv" with a {@link KvStateMachine}. Servers can be stopped and restarted from disk, new
 * ones started in join mode, and links cut through {@link #faults}.
 */
final class ServerCluster implements AutoCloseable {
  static final String CLUSTER_ID = "cluster-test";

  final Path dir;
  final GroupOptions options;
  final TreeMap<Long, Integer> ports = new TreeMap<>();
  final TreeMap<Long, RaftServer> servers = new TreeMap<>();
  final TreeMap<Long, RaftGroup> groups = new TreeMap<>();
  final TreeMap<Long, KvStateMachine> machines = new TreeMap<>();

  /** Each running node's group and state machine, as one value: safe to read from any thread. */
  final Map<Long, Member> members = new ConcurrentHashMap<>();

  /** Fault rules on every link of this cluster (see {@link LinkFaults}); none until set. */
  final LinkFaults faults;

  private final ConfState initial;
  private final Consumer<GrpcTransportConfig.Builder> transportSettings;
  private final LongFunction<TlsConfig> tls;

  /** A running node's group with the state machine it applies to. */
  record Member(RaftGroup group, KvStateMachine machine) {}

  ServerCluster(Path dir, int voters, GroupOptions options) {
    this(dir, voters, options, 1, b -> {}, id -> null);
  }

  /**
   * A cluster whose transports are adjusted by {@code transportSettings} and use the TLS material
   * {@code tls} gives for each node id (null: plaintext); random link drops follow {@code seed}.
   */
  ServerCluster(
      Path dir,
      int voters,
      GroupOptions options,
      long seed,
      Consumer<GrpcTransportConfig.Builder> transportSettings,
      LongFunction<TlsConfig> tls) {
    this.dir = dir;
    this.options = options;
    this.faults = new LinkFaults(seed);
    this.transportSettings = transportSettings;
    this.tls = tls;
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id = 1; id <= voters; id++) {
      cs.addVoters(id);
      ports.put(id, freePort());
    }
    this.initial = cs.build();
    for (long id = 1; id <= voters; id++) {
      start(id);
    }
  }

  /** A cluster with 20 ms ticks, 10 s timeouts and snapshots every {@code snapshotEvery}. */
  static ServerCluster of(Path dir, int voters, long snapshotEvery) {
    return new ServerCluster(
        dir,
        voters,
        new GroupOptions("kv", Duration.ofMillis(20), Duration.ofSeconds(10), snapshotEvery, 5));
  }

  /**
   * Starts (or restarts from its data) an initial member, knowing every initial member's address.
   */
  RaftGroup start(long id) {
    Map<Long, PeerAddress> peers = new HashMap<>();
    for (long peer : initial.getVotersList()) {
      if (peer != id) {
        peers.put(peer, address(peer));
      }
    }
    return start(id, CLUSTER_ID, peers, initial);
  }

  /** Starts a new node in join mode, knowing no peer at all. */
  RaftGroup startJoining(long id) {
    ports.putIfAbsent(id, freePort());
    return start(id, CLUSTER_ID, Map.of(), ConfState.getDefaultInstance());
  }

  RaftGroup start(long id, String clusterId, Map<Long, PeerAddress> peers, ConfState voters) {
    ports.putIfAbsent(id, freePort());
    RaftServer server =
        RaftServer.create(
                new ServerConfig(
                    id,
                    clusterId,
                    "127.0.0.1",
                    ports.get(id),
                    peers,
                    dir.resolve("n" + id),
                    2,
                    tls.apply(id)),
                b -> {
                  b.faults(faults);
                  transportSettings.accept(b);
                })
            .start();
    KvStateMachine sm = new KvStateMachine();
    RaftGroup g =
        server.group(
            "kv",
            sm,
            voters,
            options,
            RaftConfig.builder()
                .electionTick(10)
                .heartbeatTick(1)
                .preVote(true)
                .checkQuorum(true)
                .randomSeed(id));
    servers.put(id, server);
    groups.put(id, g);
    machines.put(id, sm);
    members.put(id, new Member(g, sm));
    return g;
  }

  PeerAddress address(long id) {
    return new PeerAddress("127.0.0.1", ports.get(id));
  }

  /** Stops a server; a zero grace is an abrupt stop (no leadership hand-off). */
  void stop(long id, Duration grace) {
    RaftServer s = servers.remove(id);
    members.remove(id);
    groups.remove(id);
    machines.remove(id);
    if (s != null) {
      s.close(grace);
    }
  }

  long awaitLeader() {
    return LocalCluster.awaitLeader(groups, "a leader");
  }

  RaftGroup leader() {
    return groups.get(awaitLeader());
  }

  /** Writes k{from}..k{to - 1}, each through the current leader. */
  void write(int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      leader().propose(put("k" + i, "v" + i)).get(20, TimeUnit.SECONDS);
    }
  }

  void awaitContents(long id, int size) {
    LocalCluster.await(
        () -> machines.get(id) != null && machines.get(id).contents().size() >= size,
        size + " keys on node " + id);
  }

  static byte[] put(String key, String value) {
    return KvStateMachine.command((byte) 1, key, value, null);
  }

  static int freePort() {
    return FreePorts.next();
  }

  @Override
  public void close() {
    for (RaftServer s : servers.values()) {
      s.close(Duration.ZERO);
    }
    servers.clear();
    members.clear();
  }
}
