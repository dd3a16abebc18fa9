package dev.raftboot.storage.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForceNewClusterTest {
  @TempDir Path dir;

  /** Node 2 of a lost three-node group: 8 entries, 6 committed, 2 applied. */
  @BeforeEach
  void writeSurvivor() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("orders");
      g.bootstrap(ToolFixtures.THREE);
      g.persist(
          HardState.newBuilder().setTerm(2).setVote(1).setCommit(6).build(),
          ToolFixtures.log(8),
          null);
      g.setApplied(2, null);
    }
  }

  private String[] args(String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of("--data-dir", dir.toString(), "--group", "orders", "--node-id", "2"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void withoutConfirmationItOnlyPrintsThePlan() {
    var c = new ToolFixtures.Captured();
    assertThat(ForceNewCluster.run(args(), c.out, c.err)).isZero();
    assertThat(c.err()).contains("WARNING");
    assertThat(c.out())
        .contains("uncommitted entries dropped: 2")
        .contains("conf change entries emptied: [3]")
        .contains("dry run");
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      assertThat(store.group("orders").lastIndex()).isEqualTo(8);
      assertThat(store.group("orders").confState()).isEqualTo(ToolFixtures.THREE);
    }
  }

  @Test
  void theSurvivorRestartsAloneWithEveryCommittedEntry() {
    var c = new ToolFixtures.Captured();
    assertThat(ForceNewCluster.run(args("--confirm"), c.out, c.err)).as(c.err()).isZero();
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("orders");
      assertThat(g.confState()).isEqualTo(ConfState.newBuilder().addVoters(2).build());
      assertThat(g.lastIndex()).isEqualTo(6);
      List<Entry> log = g.entries(1, 7, Long.MAX_VALUE);
      assertThat(log.get(2).getType()).isEqualTo(EntryType.ENTRY_NORMAL);
      assertThat(log.get(2).getData().isEmpty()).isTrue();
      assertThat(log.get(5).getData().toStringUtf8()).isEqualTo("put k6=v6");

      // The node now elects itself and commits new writes on its own.
      RawNode node =
          new RawNode(
              RaftConfig.builder().id(2).electionTick(10).heartbeatTick(1).applied(2).build(), g);
      node.campaign();
      List<String> applied = new ArrayList<>();
      for (int round = 0; round < 10; round++) {
        if (round == 3) {
          node.propose("after recovery".getBytes(StandardCharsets.UTF_8));
        }
        while (node.hasReady()) {
          Ready rd = node.ready();
          g.persist(
              rd.hardState().orElse(null), rd.entries(), null); // single voter: nothing to send
          rd.committedEntries().forEach(e -> applied.add(e.getData().toStringUtf8()));
          node.advance(rd);
        }
      }
      assertThat(node.status().role()).isEqualTo(StateRole.LEADER);
      assertThat(applied).contains("put k4=v4", "put k6=v6", "after recovery");
      assertThat(applied).doesNotContain("put k7=v7", "put k8=v8");
    }
  }

  @Test
  void refusesToRunWhileTheStoreIsOpen() {
    try (RocksDbStore open = RocksDbStore.open(dir)) {
      var c = new ToolFixtures.Captured();
      assertThat(ForceNewCluster.run(args("--confirm"), c.out, c.err)).isEqualTo(2);
      assertThat(c.err()).contains("refusing to run");
    }
  }
}
