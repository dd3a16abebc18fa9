package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.FreePorts;
import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.RejectReason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three servers on loopback, each hosting two groups on RocksDB over gRPC. */
class RaftServerTest {
  private static final ConfState VOTERS =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
  private static final String[] GROUPS = {"a", "b"};

  private final Map<Long, Integer> ports = new HashMap<>();
  private final TreeMap<Long, RaftServer> servers = new TreeMap<>();
  private final Map<String, KvStateMachine> machines = new HashMap<>();
  private final Map<String, RaftGroup> groups = new HashMap<>();

  private void start(long id, Path dir) {
    Map<Long, PeerAddress> peers = new HashMap<>();
    ports.forEach(
        (peer, port) -> {
          if (peer != id) {
            peers.put(peer, new PeerAddress("127.0.0.1", port));
          }
        });
    RaftServer server =
        RaftServer.start(
            new ServerConfig(
                id,
                "server-test",
                "127.0.0.1",
                ports.get(id),
                peers,
                dir.resolve("n" + id),
                2,
                null));
    servers.put(id, server);
    for (String name : GROUPS) {
      KvStateMachine sm = new KvStateMachine();
      RaftGroup g =
          server.group(
              name,
              sm,
              VOTERS,
              new GroupOptions(name, Duration.ofMillis(20), Duration.ofSeconds(10), 30, 5),
              RaftConfig.builder().electionTick(10).heartbeatTick(1).preVote(true).randomSeed(id));
      machines.put(name + id, sm);
      groups.put(name + id, g);
    }
  }

  private long leaderOf(String name) {
    Map<Long, RaftGroup> ofGroup = new TreeMap<>();
    servers.keySet().forEach(id -> ofGroup.put(id, groups.get(name + id)));
    return LocalCluster.awaitLeader(ofGroup, "a leader of " + name);
  }

  private void write(String name, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      long leader = leaderOf(name);
      groups
          .get(name + leader)
          .propose(KvStateMachine.command((byte) 1, "k" + i, name + i, null))
          .get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void groupsOfARestartedServerRecoverFromDiskAndCatchUp(@TempDir Path dir) throws Exception {
    for (long id = 1; id <= 3; id++) {
      ports.put(id, freePort());
    }
    try {
      for (long id = 1; id <= 3; id++) {
        start(id, dir);
      }
      for (String name : GROUPS) {
        write(name, 0, 50);
      }
      // Answered writes disarm their timeouts (10 s): the shared timer holds the groups' tickers,
      // not a task (and a future) per write answered.
      for (RaftServer server : servers.values()) {
        assertThat(server.timerQueueSize()).as("tasks on the timer").isLessThan(10);
      }
      // Restart node 2 at the same address with its data: both groups come back from disk.
      RaftServer stopped = servers.remove(2L);
      stopped.close(Duration.ofSeconds(5));
      // Its peers kept sending while it closed: traffic for its groups, not for unknown ones.
      assertThat(stopped.transportStats().rejected(RejectReason.UNKNOWN_GROUP)).isZero();
      for (String name : GROUPS) {
        write(name, 50, 100);
      }
      start(2, dir);
      for (String name : GROUPS) {
        LocalCluster.await(
            () -> machines.get(name + 2).contents().size() == 100, "group " + name + " on node 2");
        assertThat(machines.get(name + 2).get("k99")).isEqualTo(name + 99);
      }
      // The restarted node connected once to each peer: no connection of it was cut before it
      // spoke gRPC (which its peers would count as refused).
      for (RaftServer server : servers.values()) {
        assertThat(server.transportStats().rejected(RejectReason.HANDSHAKE_FAILED)).isZero();
        assertThat(server.transportStats().rejected(RejectReason.UNKNOWN_GROUP)).isZero();
      }
      assertThatThrownBy(
              () ->
                  servers
                      .get(1L)
                      .group(
                          "a",
                          new KvStateMachine(),
                          VOTERS,
                          GroupOptions.defaults("a"),
                          RaftConfig.builder()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already open");
    } finally {
      servers.values().forEach(RaftServer::close);
    }
  }

  @Test
  void groupsShareSyncsAndNoAcknowledgedWriteIsLostWhenEveryServerStopsAbruptly(@TempDir Path dir)
      throws Exception {
    for (long id = 1; id <= 3; id++) {
      ports.put(id, freePort());
    }
    java.util.Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try {
      for (long id = 1; id <= 3; id++) {
        start(id, dir);
      }
      // Both groups written at once, many writes in flight: their Readies meet in the
      // coordinator.
      java.util.List<java.util.concurrent.CompletableFuture<Object>> inFlight =
          new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        for (String name : GROUPS) {
          String key = name + "-k" + i;
          inFlight.add(
              groups
                  .get(name + leaderOf(name))
                  .propose(KvStateMachine.command((byte) 1, key, "v", null))
                  .whenComplete(
                      (r, e) -> {
                        if (e == null) {
                          acknowledged.add(name + ":" + key);
                        }
                      }));
        }
      }
      for (var f : inFlight) {
        try {
          f.get(20, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // Only acknowledged writes must survive.
        }
      }
      for (RaftServer server : servers.values()) {
        WriteCoordinator writes = server.writeCoordinator();
        assertThat(writes.syncs()).isPositive().isLessThanOrEqualTo(writes.writes());
      }
    } finally {
      for (RaftServer server : servers.values()) {
        server.close(Duration.ZERO);
      }
      servers.clear();
    }
    assertThat(acknowledged).hasSize(400);
    try {
      for (long id = 1; id <= 3; id++) {
        start(id, dir);
      }
      for (String name : GROUPS) {
        write(name, 0, 1); // a new leader commits an entry of its term: all before it applies
        for (long id = 1; id <= 3; id++) {
          KvStateMachine sm = machines.get(name + id);
          long node = id;
          LocalCluster.await(() -> sm.contents().size() >= 201, name + " on node " + node);
        }
      }
      for (String entry : acknowledged) {
        String name = entry.substring(0, entry.indexOf(':'));
        String key = entry.substring(entry.indexOf(':') + 1);
        for (long id = 1; id <= 3; id++) {
          assertThat(machines.get(name + id).get(key)).as(entry + " on " + id).isEqualTo("v");
        }
      }
    } finally {
      servers.values().forEach(RaftServer::close);
    }
  }

  private static int freePort() throws IOException {
    return FreePorts.next();
  }

  /**
   * A server that cannot start — a transport setting refused, TLS files that are no PEM — releases
   * its data directory, so a corrected start in the same JVM opens it.
   */
  @Test
  void aServerThatFailsToStartReleasesItsDataDirectory(@TempDir Path dir) throws Exception {
    ServerConfig plain = new ServerConfig(1, "t", "127.0.0.1", 0, Map.of(), dir, 2, null);
    assertThatThrownBy(() -> RaftServer.create(plain, t -> t.ioThreads(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    Path garbage = java.nio.file.Files.writeString(dir.resolve("garbage.pem"), "not a PEM file");
    ServerConfig unreadableTls =
        new ServerConfig(
            1,
            "t",
            "127.0.0.1",
            0,
            Map.of(),
            dir,
            2,
            dev.raftboot.transport.TlsConfig.mutual(garbage, garbage, garbage));
    assertThatThrownBy(() -> RaftServer.start(unreadableTls)).isInstanceOf(RuntimeException.class);
    try (RaftServer server = RaftServer.start(plain)) {
      assertThat(server.transportStats().messagesSent()).isZero();
    }
  }

  /**
   * A data directory holds one node's votes and log: started as another node, or in another
   * cluster, the server refuses, naming both; the directory stays usable by its own node.
   */
  @Test
  void aDataDirectoryOfAnotherNodeOrClusterIsRefused(@TempDir Path dir) throws Exception {
    ServerConfig node1 = new ServerConfig(1, "c", "127.0.0.1", 0, Map.of(), dir, 2, null);
    RaftServer.start(node1).close();
    assertThatThrownBy(
            () ->
                RaftServer.start(new ServerConfig(2, "c", "127.0.0.1", 0, Map.of(), dir, 2, null)))
        .isInstanceOf(DataDirectoryMismatchException.class)
        .hasMessageContaining("belongs to node 1 of cluster 'c', not to node 2 of cluster 'c'");
    assertThatThrownBy(
            () ->
                RaftServer.start(
                    new ServerConfig(1, "other", "127.0.0.1", 0, Map.of(), dir, 2, null)))
        .isInstanceOf(DataDirectoryMismatchException.class)
        .hasMessageContaining("not to node 1 of cluster 'other'");
    RaftServer.start(node1).close();

    java.nio.file.Files.writeString(
        dir.resolve(DataDirectoryIdentity.FILE_NAME), "cluster-id=c\nnode-id=one\n");
    assertThatThrownBy(() -> RaftServer.start(node1))
        .isInstanceOf(dev.raftboot.storage.StorageException.class)
        .hasMessageContaining(DataDirectoryIdentity.FILE_NAME)
        .hasMessageContaining("corrupt");
  }

  @Test
  void aCorruptMembershipDirectoryIsReportedNamingItsFile(@TempDir Path dir) throws Exception {
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("membership.properties"), "address.two=nowhere\n");
    assertThatThrownBy(
            () ->
                RaftServer.start(new ServerConfig(1, "c", "127.0.0.1", 0, Map.of(), dir, 2, null)))
        .isInstanceOf(dev.raftboot.storage.StorageException.class)
        .hasMessageContaining("membership.properties")
        .hasMessageContaining("address.two");
  }
}
