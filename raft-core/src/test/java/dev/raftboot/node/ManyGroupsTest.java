package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.FreePorts;
import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.transport.LinkFaults;
import dev.raftboot.transport.PeerAddress;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-raft: three servers on loopback, each hosting many groups of the same three voters, over
 * one gRPC transport, one RocksDB and the fixed thread pools of each server. A server that leads
 * them all hands every one over at once, within one grace for the whole server.
 */
class ManyGroupsTest {
  /** Groups of the large run: {@code raft.test.manyGroups}, 1,000 by default. */
  private static final int MANY = Integer.getInteger("raft.test.manyGroups", 1_000);

  private static final ConfState VOTERS =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  private final LinkFaults faults = new LinkFaults(1);
  private final TreeMap<Long, RaftServer> servers = new TreeMap<>();
  private final Map<Long, Map<String, RaftGroup>> groups = new HashMap<>();

  @AfterEach
  void closeServers() {
    servers.values().forEach(RaftServer::close);
  }

  @Test
  void aThousandGroupsPerServerElectAndCommitWithoutAThreadPerGroup(@TempDir Path dir)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    startServers(dir);
    open("g0");
    campaign("g0");
    leader("g0");
    long startedBefore = threads.getTotalStartedThreadCount();
    int liveBefore = threads.getThreadCount();

    for (int i = 1; i < MANY; i++) {
      open("g" + i);
    }
    for (int i = 1; i < MANY; i++) {
      campaign("g" + i);
    }
    List<CompletableFuture<Object>> writes = new ArrayList<>();
    for (int i = 0; i < MANY; i++) {
      writes.add(leader("g" + i).propose(KvStateMachine.command((byte) 1, "k", "g" + i, null)));
    }
    for (CompletableFuture<Object> w : writes) {
      w.get(60, TimeUnit.SECONDS);
    }
    for (int i = 0; i < MANY; i += Math.max(1, MANY / 20)) {
      String name = "g" + i;
      long index = leader(name).appliedIndex();
      for (long id = 1; id <= 3; id++) {
        RaftGroup g = groups.get(id).get(name);
        LocalCluster.await(
            () -> g.appliedIndex() >= index, "node " + id + " to apply the write of " + name);
      }
    }

    long started = threads.getTotalStartedThreadCount() - startedBefore;
    int live = threads.getThreadCount() - liveBefore;
    System.out.printf(
        "%d groups x 3 servers: %d threads started, %d more live, while opening, electing and"
            + " writing all but the first%n",
        MANY, started, live);
    // Per-group threads would be thousands; the servers' pools and the transport's executors (per
    // peer stream, not per group) are a few dozen at most.
    assertThat(started).isLessThan(100);
    assertThat(live).isLessThan(100);

    // Node 1 leads every group it campaigned for; it hands them all over at once, and each
    // group's new leader is known on the other two.
    assertThat(servers.get(1L).handOffLeadership(Duration.ofSeconds(30))).isEmpty();
    servers.remove(1L).close(Duration.ofSeconds(5));
    for (int i = 0; i < MANY; i++) {
      String name = "g" + i;
      for (long id = 2; id <= 3; id++) {
        assertThat(groups.get(id).get(name).status().leaderId())
            .as("the leader of %s on node %d", name, id)
            .isIn(2L, 3L);
      }
    }
  }

  // Every hand-off is asked for before any is waited for: with node 1 deaf to its peers none can
  // complete on its side (it never hears of the new leader), yet every group has its transfer under
  // way while the call still waits; asked one after the other, the second would wait for the first
  // until the links heal. The targets, which node 1 still reaches, take over every group.
  @Test
  void aServerAsksForEveryHandOffBeforeWaitingForAny(@TempDir Path dir) throws Exception {
    int count = 20;
    startServers(dir);
    for (int i = 0; i < count; i++) {
      open("h" + i);
      campaign("h" + i);
    }
    for (int i = 0; i < count; i++) {
      assertThat(leader("h" + i))
          .as("node 1, which campaigned right after the group was bootstrapped, leads h%d", i)
          .isSameAs(groups.get(1L).get("h" + i));
    }
    faults.cut(2, 1);
    faults.cut(3, 1);

    CompletableFuture<Set<String>> handOff =
        CompletableFuture.supplyAsync(
            () -> servers.get(1L).handOffLeadership(Duration.ofSeconds(120)));
    LocalCluster.await(
        () -> groups.get(1L).values().stream().allMatch(g -> g.status().leadTransferee() != 0),
        "every group of node 1 to have asked for a hand-off");
    assertThat(handOff).isNotDone();
    // Healed, node 1 hears of every new leader and the call returns with none left to it.
    faults.heal();
    assertThat(handOff.get(60, TimeUnit.SECONDS)).isEmpty();
    for (int i = 0; i < count; i++) {
      String name = "h" + i;
      for (long id = 2; id <= 3; id++) {
        RaftGroup g = groups.get(id).get(name);
        LocalCluster.await(
            () -> g.status().leaderId() == 2 || g.status().leaderId() == 3,
            "node " + id + " to follow the new leader of " + name);
      }
    }
  }

  private void startServers(Path dir) {
    Map<Long, Integer> ports = new HashMap<>();
    for (long id = 1; id <= 3; id++) {
      ports.put(id, FreePorts.next());
    }
    for (long id = 1; id <= 3; id++) {
      Map<Long, PeerAddress> peers = new HashMap<>();
      for (long peer = 1; peer <= 3; peer++) {
        if (peer != id) {
          peers.put(peer, new PeerAddress("127.0.0.1", ports.get(peer)));
        }
      }
      ServerConfig config =
          new ServerConfig(
              id, "many-groups", "127.0.0.1", ports.get(id), peers, dir.resolve("n" + id), 2, null);
      servers.put(id, RaftServer.create(config, b -> b.faults(faults)).start());
      groups.put(id, new HashMap<>());
    }
  }

  /**
   * Opens {@code name} on every server. Idle groups stay cheap: a heartbeat every half second,
   * elections after 5-10 s (the tests start each election themselves). With check-quorum: the
   * voters of a group the server bootstraps now start fresh and vote at once, so node 1's campaign
   * right after the start wins (a restarted voter would refuse for an election timeout).
   */
  private void open(String name) {
    for (long id = 1; id <= 3; id++) {
      GroupOptions options =
          new GroupOptions(name, Duration.ofMillis(100), Duration.ofSeconds(30), 10_000, 100);
      RaftConfig.Builder raft =
          RaftConfig.builder().electionTick(50).heartbeatTick(5).preVote(true).checkQuorum(true);
      groups
          .get(id)
          .put(name, servers.get(id).group(name, new KvStateMachine(), VOTERS, options, raft));
    }
  }

  /** Node 1 starts an election of {@code name} now rather than after the election timeout. */
  private void campaign(String name) {
    groups.get(1L).get(name).campaign();
  }

  /** The group of {@code name} on the node that leads it, once one does. */
  private RaftGroup leader(String name) {
    Map<Long, RaftGroup> members = new TreeMap<>();
    groups.forEach((id, byName) -> members.put(id, byName.get(name)));
    return members.get(LocalCluster.awaitLeader(members, "a leader of " + name));
  }
}
