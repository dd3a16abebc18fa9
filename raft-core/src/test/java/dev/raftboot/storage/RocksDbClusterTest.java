package dev.raftboot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three RawNodes in one JVM, each on its own RocksDB store, following the Ready contract with real
 * synced writes; nodes are restarted from disk (store closed and reopened, state machine lost) and
 * must rebuild exactly what they had.
 */
class RocksDbClusterTest {
  private static final ConfState VOTERS =
      ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

  @TempDir Path dir;
  private final TreeMap<Long, StoredNode> nodes = new TreeMap<>();
  private final ArrayDeque<Message> inFlight = new ArrayDeque<>();

  /** A node whose only durable state is its store; its state machine is a list in memory. */
  final class StoredNode {
    final long id;
    RocksDbStore store;
    RocksDbLogStorage log;
    RawNode raw;
    final List<String> applied = new ArrayList<>();
    boolean up;

    StoredNode(long id) {
      this.id = id;
      start();
      log.bootstrap(VOTERS);
      raw = new RawNode(config(), log);
    }

    RaftConfig config() {
      // applied(0): the state machine is rebuilt by replaying the committed log from disk.
      return RaftConfig.builder().id(id).electionTick(10).heartbeatTick(1).randomSeed(5).build();
    }

    void start() {
      store = RocksDbStore.open(dir.resolve("node-" + id));
      log = store.group("default");
      up = true;
    }

    void restart() {
      stop();
      start();
      applied.clear();
      raw = new RawNode(config(), log);
    }

    void stop() {
      store.close();
      up = false;
    }

    void drain() {
      while (up && raw.hasReady()) {
        Ready rd = raw.ready();
        log.persist(
            rd.hardState().orElse(null),
            rd.entries(),
            rd.snapshot().map(s -> s.getMetadata()).orElse(null));
        inFlight.addAll(rd.messages());
        long last = -1;
        for (Entry e : rd.committedEntries()) {
          if (e.getType() == EntryType.ENTRY_NORMAL && !e.getData().isEmpty()) {
            applied.add(e.getData().toString(StandardCharsets.UTF_8));
          }
          last = e.getIndex();
        }
        if (last >= 0) {
          log.setApplied(last, null);
        }
        raw.advance(rd);
      }
    }
  }

  @AfterEach
  void closeStores() {
    nodes.values().forEach(n -> n.store.close());
  }

  private void settle() {
    for (int round = 0; round < 10_000; round++) {
      nodes.values().forEach(StoredNode::drain);
      Message m = inFlight.poll();
      if (m == null) {
        return;
      }
      StoredNode to = nodes.get(m.getTo());
      if (to.up) {
        to.raw.step(m);
      }
    }
    throw new AssertionError("cluster did not settle");
  }

  private void propose(StoredNode via, int from, int count) {
    for (int i = from; i < from + count; i++) {
      via.raw.propose(("cmd-" + i).getBytes(StandardCharsets.UTF_8));
      settle();
    }
  }

  private static List<Entry> fullLog(StoredNode n) {
    return n.log.entries(n.log.firstIndex(), n.log.lastIndex() + 1, Long.MAX_VALUE);
  }

  @Test
  void aClusterOnRocksDbElectsReplicatesAndRestartsFromDisk() {
    for (long id = 1; id <= 3; id++) {
      nodes.put(id, new StoredNode(id));
    }
    StoredNode leader = nodes.get(1L);
    leader.raw.campaign();
    settle();
    assertThat(leader.raw.status().role()).isEqualTo(StateRole.LEADER);

    propose(leader, 0, 20);
    for (StoredNode n : nodes.values()) {
      assertThat(n.applied).hasSize(20);
    }

    // Node 3 restarts: its log and hard state come back from disk, and replaying the committed
    // log rebuilds the same state machine.
    StoredNode three = nodes.get(3L);
    List<Entry> before = fullLog(three);
    var hardStateBefore = three.log.hardState();
    three.restart();
    assertThat(fullLog(three)).isEqualTo(before);
    assertThat(three.log.hardState()).isEqualTo(hardStateBefore);
    propose(leader, 20, 1);
    assertThat(three.applied).isEqualTo(leader.applied);

    // Node 2 is down while the cluster moves on, then catches up from its own disk onwards.
    StoredNode two = nodes.get(2L);
    two.stop();
    propose(leader, 21, 15);
    two.start();
    two.applied.clear();
    two.raw = new RawNode(two.config(), two.log);
    for (int t = 0; t < 3; t++) {
      leader.raw.tick();
      settle();
    }
    assertThat(two.applied).isEqualTo(leader.applied).hasSize(36);
    for (StoredNode n : nodes.values()) {
      assertThat(fullLog(n)).isEqualTo(fullLog(leader));
      assertThat(n.log.appliedIndex()).isEqualTo(leader.log.lastIndex());
      assertThat(n.log.hardState().getCommit()).isEqualTo(leader.log.lastIndex());
    }
  }
}
