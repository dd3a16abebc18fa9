package dev.raftboot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Raft groups on each of three nodes, one store per node, and the group commit the node runtime
 * will do: each round, the Readies of every group on a node go to disk in one {@link
 * RaftWriteBatch} (one fsync), and only then are their messages sent.
 */
class MultiGroupClusterTest {
  private static final List<String> GROUPS = List.of("orders", "users");
  private static final ConfState VOTERS =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  @TempDir Path dir;
  private final Map<Long, Node> nodes = new LinkedHashMap<>();
  private final ArrayDeque<Envelope> inFlight = new ArrayDeque<>();

  record Envelope(String group, Message message) {}

  final class Node {
    final long id;
    RocksDbStore store;
    final Map<String, RawNode> rafts = new LinkedHashMap<>();
    final Map<String, List<String>> applied = new LinkedHashMap<>();
    int maxGroupsInOneWrite;

    Node(long id) {
      this.id = id;
      open();
    }

    void open() {
      store = RocksDbStore.open(dir.resolve("node-" + id));
      for (String g : GROUPS) {
        RocksDbLogStorage log = store.group(g);
        if (log.isEmpty()) {
          log.bootstrap(VOTERS);
        }
        rafts.put(g, new RawNode(RaftConfig.builder().id(id).electionTick(10).build(), log));
        applied.put(g, new ArrayList<>());
      }
    }

    /** One round of the runtime: persist every group's Ready in one write, then the rest. */
    boolean round() {
      Map<String, Ready> readies = new LinkedHashMap<>();
      rafts.forEach(
          (g, r) -> {
            if (r.hasReady()) {
              readies.put(g, r.ready());
            }
          });
      if (readies.isEmpty()) {
        return false;
      }
      try (RaftWriteBatch batch = store.newBatch()) {
        readies.forEach(
            (g, rd) ->
                store.group(g).stage(batch, rd.hardState().orElse(null), rd.entries(), null));
        maxGroupsInOneWrite = Math.max(maxGroupsInOneWrite, batch.groupCount());
        batch.commit();
      }
      readies.forEach(
          (g, rd) -> {
            rd.messages().forEach(m -> inFlight.add(new Envelope(g, m)));
            for (Entry e : rd.committedEntries()) {
              if (!e.getData().isEmpty()) {
                applied.get(g).add(e.getData().toString(StandardCharsets.UTF_8));
              }
            }
            rafts.get(g).advance(rd);
          });
      return true;
    }
  }

  @AfterEach
  void close() {
    nodes.values().forEach(n -> n.store.close());
  }

  /** Rounds of: every node persists and handles its Readies, then every message is delivered. */
  private void settle() {
    for (int step = 0; step < 10_000; step++) {
      boolean busy = false;
      for (Node n : nodes.values()) {
        busy |= n.round();
      }
      if (inFlight.isEmpty() && !busy) {
        return;
      }
      List<Envelope> delivering = new ArrayList<>(inFlight);
      inFlight.clear();
      for (Envelope e : delivering) {
        nodes.get(e.message().getTo()).rafts.get(e.group()).step(e.message());
      }
    }
    throw new AssertionError("cluster did not settle");
  }

  @Test
  void groupsShareOneStoreAndOneSyncPerRoundWithoutMixingTheirLogs() {
    for (long id = 1; id <= 3; id++) {
      nodes.put(id, new Node(id));
    }
    nodes.get(1L).rafts.get("orders").campaign();
    nodes.get(2L).rafts.get("users").campaign();
    settle();
    assertThat(nodes.get(1L).rafts.get("orders").status().role()).isEqualTo(StateRole.LEADER);
    assertThat(nodes.get(2L).rafts.get("users").status().role()).isEqualTo(StateRole.LEADER);
    for (int i = 0; i < 10; i++) {
      nodes.get(1L).rafts.get("orders").propose(("order-" + i).getBytes(StandardCharsets.UTF_8));
      nodes.get(2L).rafts.get("users").propose(("user-" + i).getBytes(StandardCharsets.UTF_8));
      settle();
    }
    Node three = nodes.get(3L);
    assertThat(three.maxGroupsInOneWrite).isEqualTo(2);
    assertThat(three.applied.get("orders")).hasSize(10).allMatch(s -> s.startsWith("order-"));
    assertThat(three.applied.get("users")).hasSize(10).allMatch(s -> s.startsWith("user-"));

    // Restart node 3 from its store: both groups' logs come back unchanged.
    Map<String, List<Entry>> before = new LinkedHashMap<>();
    for (String g : GROUPS) {
      RocksDbLogStorage log = three.store.group(g);
      before.put(g, log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE));
    }
    three.store.close();
    three.open();
    for (String g : GROUPS) {
      RocksDbLogStorage log = three.store.group(g);
      assertThat(log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE))
          .isEqualTo(before.get(g));
    }
    settle();
    assertThat(three.applied.get("orders")).hasSize(10);
    assertThat(three.applied.get("users")).hasSize(10);
  }
}
