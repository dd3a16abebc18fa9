package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.transport.GrpcTransport;
import dev.raftboot.transport.GrpcTransportConfig;
import dev.raftboot.transport.InProcessNetwork;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.TempDirSnapshotSink;
import dev.raftboot.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RaftGroups talking through real transports: gRPC on loopback, and in-process with faults. */
class RaftGroupOverTransportTest {
  private static final ConfState THREE =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
  private final TreeMap<Long, RaftGroup> groups = new TreeMap<>();
  private final TreeMap<Long, KvStateMachine> machines = new TreeMap<>();

  private RaftGroup group(long id, TransportBinding binding, GroupOptions options) {
    KvStateMachine sm = new KvStateMachine();
    RaftGroup g =
        new RaftGroup(
            options,
            RaftConfig.builder()
                .id(id)
                .electionTick(10)
                .heartbeatTick(1)
                .preVote(true)
                .checkQuorum(true)
                .randomSeed(id)
                .build(),
            MemoryGroupStorage.bootstrap(THREE),
            sm,
            binding.senderFor(options.name()),
            pool,
            timer);
    binding.bind(g);
    groups.put(id, g);
    machines.put(id, sm);
    g.start();
    return g;
  }

  private long awaitLeader() {
    return LocalCluster.awaitLeader(groups, "a leader");
  }

  private void closeAll(List<? extends Transport> transports) {
    groups.values().forEach(RaftGroup::close);
    transports.forEach(Transport::close);
    timer.shutdownNow();
    pool.shutdownNow();
  }

  @Test
  void threeGroupsReplicateOverGrpc(@TempDir Path dir) throws Exception {
    List<GrpcTransport> transports = new ArrayList<>();
    List<TransportBinding> bindings = new ArrayList<>();
    try {
      for (long id = 1; id <= 3; id++) {
        TransportBinding binding = new TransportBinding();
        GrpcTransport t =
            new GrpcTransport(
                GrpcTransportConfig.builder()
                    .nodeId(id)
                    .clusterId("runtime-test")
                    .bindHost("127.0.0.1")
                    .port(0)
                    .snapshotSink(new TempDirSnapshotSink(dir.resolve("snap-" + id)))
                    .build(),
                binding);
        start(t);
        binding.attach(t);
        transports.add(t);
        bindings.add(binding);
      }
      for (GrpcTransport from : transports) {
        for (GrpcTransport to : transports) {
          if (from != to) {
            from.addPeer(to.localId(), new PeerAddress("127.0.0.1", to.port()));
          }
        }
      }
      GroupOptions options =
          new GroupOptions("kv", Duration.ofMillis(20), Duration.ofSeconds(5), 25, 5);
      for (long id = 1; id <= 3; id++) {
        group(id, bindings.get((int) id - 1), options);
      }
      long leader = awaitLeader();
      List<CompletableFuture<Object>> writes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        writes.add(
            groups.get(leader).propose(KvStateMachine.command((byte) 1, "k" + i, "v" + i, null)));
      }
      for (CompletableFuture<Object> f : writes) {
        f.get(20, TimeUnit.SECONDS);
      }
      for (long id : groups.keySet()) {
        LocalCluster.await(() -> machines.get(id).contents().size() == 100, "apply on " + id);
      }
    } finally {
      closeAll(transports);
    }
  }

  @Test
  void anIsolatedFollowerCatchesUpThroughASnapshotStream(@TempDir Path dir) throws Exception {
    List<Transport> transports = new ArrayList<>();
    try (InProcessNetwork network = new InProcessNetwork(1)) {
      GroupOptions options =
          new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(5), 20, 2);
      List<TransportBinding> bindings = new ArrayList<>();
      for (long id = 1; id <= 3; id++) {
        TransportBinding binding = new TransportBinding();
        bindings.add(binding);
        Transport t = network.create(id, binding);
        t.start();
        binding.attach(t);
        transports.add(t);
      }
      for (Transport from : transports) {
        for (Transport to : transports) {
          if (from != to) {
            from.addPeer(to.localId(), new PeerAddress("in-process", 1));
          }
        }
      }
      for (long id = 1; id <= 3; id++) {
        group(id, bindings.get((int) id - 1), options);
      }
      long leader = awaitLeader();
      // Every node follows it: not a deposed leader that has not noticed yet (slow machines), whose
      // successor could be the node isolated below and would then have every entry already.
      LocalCluster.await(
          () -> groups.values().stream().allMatch(g -> g.status().leaderId() == leader),
          "every node to follow node " + leader);
      long lagging = groups.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
      network.isolate(lagging);
      for (int i = 0; i < 60; i++) {
        groups
            .get(leader)
            .propose(KvStateMachine.command((byte) 1, "k" + i, "v" + i, null))
            .get(20, TimeUnit.SECONDS);
      }
      // Compaction runs in the background: heal only once the leader's log no longer holds what
      // the follower misses, or the follower could catch up from the log instead.
      LocalCluster.await(
          () -> groups.get(leader).stats().logFirstIndex() > groups.get(lagging).appliedIndex() + 1,
          "the leader to compact past the lagging follower");
      network.heal();
      LocalCluster.await(
          () -> machines.get(lagging).contents().size() == 60, "the lagging follower to catch up");
      assertThat(machines.get(lagging).contents()).isEqualTo(machines.get(leader).contents());
      // The leader had compacted the entries the follower missed: it caught up from a snapshot.
      assertThat(transports.get((int) lagging - 1).stats().snapshotsReceived()).isPositive();
    } finally {
      closeAll(transports);
    }
  }

  private static void start(GrpcTransport t) {
    try {
      t.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
