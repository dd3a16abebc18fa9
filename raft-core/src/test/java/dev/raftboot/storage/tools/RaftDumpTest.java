package dev.raftboot.storage.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftDumpTest {
  @TempDir Path dir;

  @BeforeEach
  void writeStore() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage orders = store.group("orders");
      orders.bootstrap(ToolFixtures.THREE);
      orders.persist(
          HardState.newBuilder().setTerm(2).setVote(1).setCommit(6).build(),
          ToolFixtures.log(8),
          null);
      orders.setApplied(5, null);
      store.group("users").append(ToolFixtures.log(2));
    }
  }

  @Test
  void printsEveryGroupsStateAndDecodedEntries() {
    var c = new ToolFixtures.Captured();
    int code = RaftDump.run(new String[] {"--data-dir", dir.toString()}, c.out, c.err);
    assertThat(code).as(c.err()).isZero();
    String out = c.out();
    assertThat(out)
        .contains("2 group(s)")
        .contains("group 'orders'")
        .contains("hard state:    term=2 vote=1 commit=6")
        .contains("conf state:    voters=[1, 2, 3] learners=[]")
        .contains("applied index: 5")
        .contains("first=1 last=8 (8 entries")
        .contains("ENTRY_CONF_CHANGE_V2")
        .contains("type: ADD_LEARNER_NODE node_id: 4")
        .contains("\"put k8=v8\"")
        .contains("group 'users'");
  }

  @Test
  void aRangeAndAGroupNarrowTheDump() {
    var c = new ToolFixtures.Captured();
    int code =
        RaftDump.run(
            new String[] {
              "--data-dir", dir.toString(), "--group", "orders", "--from", "4", "--to", "5"
            },
            c.out,
            c.err);
    assertThat(code).isZero();
    assertThat(c.out()).contains("entries 4..5:").contains("put k4").contains("put k5");
    assertThat(c.out()).doesNotContain("put k6").doesNotContain("group 'users'");
  }

  @Test
  void refusesToRunWhileTheStoreIsOpen() {
    try (RocksDbStore open = RocksDbStore.open(dir)) {
      var c = new ToolFixtures.Captured();
      int code = RaftDump.run(new String[] {"--data-dir", dir.toString()}, c.out, c.err);
      assertThat(code).isEqualTo(2);
      assertThat(c.err()).contains("refusing to run").contains("LOCK");
    }
  }

  @Test
  void reportsBadArgumentsAndMissingStores() {
    var c = new ToolFixtures.Captured();
    assertThat(RaftDump.run(new String[] {"--bogus"}, c.out, c.err)).isEqualTo(1);
    assertThat(c.err()).contains("unknown argument").contains("usage");
    var d = new ToolFixtures.Captured();
    assertThat(RaftDump.run(new String[] {"--data-dir", dir.resolve("x").toString()}, d.out, d.err))
        .isEqualTo(1);
    assertThat(d.err()).contains("no store");
  }
}
