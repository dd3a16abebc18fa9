package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.storage.RocksDbStore;
import dev.raftboot.storage.snapshot.SnapshotStore;
import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.transport.InProcessNetwork;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RaftGroups on RocksDB and snapshot files: catch-up from a snapshot, and a full restart. */
class RaftGroupOnRocksDbTest {
  private static final ConfState THREE =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
  private static final GroupOptions OPTIONS =
      new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(5), 20, 2);

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);

  /** One incarnation of the cluster: stores, transports and groups, all closed together. */
  private final class Incarnation implements AutoCloseable {
    final InProcessNetwork network = new InProcessNetwork(7);
    final TreeMap<Long, RocksDbStore> stores = new TreeMap<>();
    final TreeMap<Long, RaftGroup> groups = new TreeMap<>();
    final TreeMap<Long, KvStateMachine> machines = new TreeMap<>();
    final List<Transport> transports = new ArrayList<>();

    Incarnation(Path dir) throws java.io.IOException {
      List<TransportBinding> bindings = new ArrayList<>();
      for (long id = 1; id <= 3; id++) {
        TransportBinding binding = new TransportBinding();
        Transport t = network.create(id, binding);
        t.start();
        binding.attach(t);
        transports.add(t);
        bindings.add(binding);
      }
      for (Transport from : transports) {
        for (Transport to : transports) {
          if (from != to) {
            from.addPeer(to.localId(), new PeerAddress("in-process", 1));
          }
        }
      }
      for (long id = 1; id <= 3; id++) {
        RocksDbStore store = RocksDbStore.open(dir.resolve("node-" + id + "/raft"));
        stores.put(id, store);
        RocksDbGroupStorage storage =
            RocksDbGroupStorage.bootstrapIfEmpty(
                store.group("kv"),
                SnapshotStore.open(dir.resolve("node-" + id + "/snapshots"), 2),
                THREE);
        KvStateMachine sm = new KvStateMachine();
        RaftGroup g =
            new RaftGroup(
                OPTIONS,
                RaftConfig.builder()
                    .id(id)
                    .electionTick(10)
                    .heartbeatTick(1)
                    .preVote(true)
                    .randomSeed(id)
                    .build(),
                storage,
                sm,
                bindings.get((int) id - 1).senderFor("kv"),
                pool,
                timer);
        bindings.get((int) id - 1).bind(g);
        groups.put(id, g);
        machines.put(id, sm);
        g.start();
      }
    }

    long awaitLeader() {
      return LocalCluster.awaitLeader(groups, "a leader");
    }

    void put(long node, String key, String value) throws Exception {
      groups
          .get(node)
          .propose(KvStateMachine.command((byte) 1, key, value, null))
          .get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      groups.values().forEach(RaftGroup::close);
      transports.forEach(Transport::close);
      network.close();
      stores.values().forEach(RocksDbStore::close);
    }
  }

  @Test
  void groupsSurviveARestartOfEveryNodeAndLaggardsCatchUpFromSnapshotFiles(@TempDir Path dir)
      throws Exception {
    ClientRequest cas;
    try {
      try (Incarnation first = new Incarnation(dir)) {
        long leader = first.awaitLeader();
        ClientSession session = first.groups.get(leader).openSession().get(20, TimeUnit.SECONDS);
        cas = session.nextRequest();
        assertThat(
                first
                    .groups
                    .get(leader)
                    .propose(KvStateMachine.command((byte) 3, "once", "x", null), cas)
                    .get(20, TimeUnit.SECONDS))
            .isEqualTo(true);
        long lagging = first.groups.keySet().stream().filter(id -> id != leader).findFirst().get();
        first.network.isolate(lagging);
        for (int i = 0; i < 60; i++) {
          first.put(leader, "k" + i, "v" + i);
        }
        first.network.heal();
        LocalCluster.await(
            () -> first.machines.get(lagging).contents().size() == 61, "the laggard to catch up");
        assertThat(first.transports.get((int) lagging - 1).stats().snapshotsReceived())
            .isPositive();
        for (long id : first.groups.keySet()) {
          LocalCluster.await(
              () -> first.machines.get(id).contents().size() == 61, "node " + id + " to apply");
        }
      }
      // Every node restarts from disk: state machines are rebuilt from snapshot files + log.
      try (Incarnation second = new Incarnation(dir)) {
        for (long id : second.groups.keySet()) {
          LocalCluster.await(
              () -> second.machines.get(id).contents().size() == 61,
              "node " + id + " to rebuild its state");
        }
        long leader = second.awaitLeader();
        second.put(leader, "after", "restart");
        // The session survived the restart in every node's snapshot: the retried compare-and-set
        // is answered with its original result, not applied again (which would answer false).
        for (long id : second.groups.keySet()) {
          assertThat(
                  second
                      .groups
                      .get(id)
                      .propose(KvStateMachine.command((byte) 3, "once", "x", null), cas)
                      .get(20, TimeUnit.SECONDS))
              .isEqualTo(true);
        }
        for (long id : second.groups.keySet()) {
          LocalCluster.await(
              () -> "restart".equals(second.machines.get(id).get("after")), "the new write");
        }
      }
    } finally {
      timer.shutdownNow();
      pool.shutdownNow();
    }
  }
}
