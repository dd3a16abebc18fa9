package dev.raftboot.core;

import static dev.raftboot.core.Msgs.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Ready contract of etcd's RawNode, restarts from storage, and determinism. */
class RawNodeTest {

  private static TestNode single(RaftConfig.Builder base) {
    TestNode n = TestNode.of(1, new long[] {1}, base);
    n.recordReadies = true;
    return n;
  }

  // etcd rawnode_test TestRawNodeReadyHardState: a Ready carries the hard state only when it
  // changed, and mustSync only when entries, term or vote must be durable.
  @Test
  void hardStateAndMustSyncOnlyWhenChanged() {
    TestNode n = single(Network.defaults());
    assertThat(n.raw.hasReady()).isFalse();
    n.raw.campaign();
    n.drain();
    assertThat(n.readies).hasSize(2);
    Ready first = n.readies.get(0);
    assertThat(first.hardState())
        .contains(HardState.newBuilder().setTerm(1).setVote(1).setCommit(0).build());
    assertThat(first.mustSync()).isTrue();
    Ready second = n.readies.get(1);
    assertThat(second.hardState())
        .contains(HardState.newBuilder().setTerm(1).setVote(1).setCommit(1).build());
    assertThat(second.entries()).isEmpty();
    assertThat(second.mustSync()).as("only the commit index changed").isFalse();

    n.readies.clear();
    n.raw.propose(bytes("a"));
    n.drain();
    assertThat(n.readies).hasSize(2);
    assertThat(n.readies.get(0).hardState()).as("nothing changed yet").isEmpty();
    assertThat(n.readies.get(0).entries()).hasSize(1);
    assertThat(n.readies.get(0).mustSync()).isTrue();
    assertThat(n.readies.get(1).hardState().map(HardState::getCommit)).contains(2L);

    for (int i = 0; i < 5; i++) {
      n.raw.tick();
      assertThat(n.raw.hasReady()).isFalse();
    }
  }

  // etcd rawnode_test TestRawNodeReadySoftState: a Ready carries the soft state only when leader or
  // role changed.
  @Test
  void softStateOnlyWhenChanged() {
    Network net = Network.of(3);
    net.nodes.values().forEach(n -> n.recordReadies = true);
    net.campaign(1);
    net.propose(1, "a");
    net.campaign(2);
    for (TestNode n : net.nodes.values()) {
      List<SoftState> changes = n.readies.stream().flatMap(r -> r.softState().stream()).toList();
      for (int i = 1; i < changes.size(); i++) {
        assertThat(changes.get(i)).isNotEqualTo(changes.get(i - 1));
      }
    }
    List<SoftState> n1 = net.node(1).readies.stream().flatMap(r -> r.softState().stream()).toList();
    assertThat(n1)
        .containsExactly(
            new SoftState(0, StateRole.CANDIDATE),
            new SoftState(1, StateRole.LEADER),
            new SoftState(0, StateRole.FOLLOWER),
            new SoftState(2, StateRole.FOLLOWER));
  }

  // etcd Ready contract: an entry is handed out for persisting no later than it is handed out as
  // committed (on a leader, possibly in the same Ready), and never twice as committed.
  @Test
  void entriesArePersistedNoLaterThanTheyAreCommitted() {
    Network net = Network.of(3);
    net.nodes.values().forEach(n -> n.recordReadies = true);
    net.campaign(1);
    for (int i = 0; i < 3; i++) {
      net.propose(1, "a" + i);
    }
    net.isolate(3);
    net.propose(2, "b");
    net.recover();
    net.tick(1, 2);
    net.campaign(3);
    net.propose(3, "c");
    for (TestNode n : net.nodes.values()) {
      Set<Long> persisted = new HashSet<>();
      Set<Long> committed = new HashSet<>();
      for (Ready rd : n.readies) {
        rd.entries().forEach(e -> persisted.add(e.getIndex()));
        for (Entry e : rd.committedEntries()) {
          assertThat(persisted).as("node %d index %d", n.id(), e.getIndex()).contains(e.getIndex());
          assertThat(committed.add(e.getIndex())).as("applied twice").isTrue();
        }
      }
      assertThat(n.appliedData()).containsExactly("a0", "a1", "a2", "b", "c");
    }
  }

  // etcd Ready.Messages: the messages to send are in the Ready, and each is handed out once.
  @Test
  void readyCarriesTheMessagesToSendOnce() {
    Network net = Network.of(3);
    net.campaign(1);
    RawNode leader = net.node(1).raw;
    leader.propose(bytes("x"));
    assertThat(leader.hasReady()).isTrue();
    Ready rd = leader.ready();
    List<Message> apps = rd.messages();
    assertThat(apps).extracting(Message::getType).containsOnly(MessageType.MSG_APPEND);
    assertThat(apps).extracting(Message::getTo).containsExactlyInAnyOrder(2L, 3L);
    assertThat(apps)
        .allSatisfy(m -> assertThat(m.getEntries(0).getData().toStringUtf8()).isEqualTo("x"));
    assertThat(rd.entries()).hasSize(1);
    net.node(1).storage.append(rd.entries());
    leader.advance(rd);
    assertThat(leader.hasReady()).isFalse();
  }

  /** Runs a single-voter node by hand: persist everything, apply nothing. */
  private static void persistOnly(RawNode n, MemoryLogStorage s) {
    while (n.hasReady()) {
      Ready rd = n.ready();
      s.append(rd.entries());
      rd.hardState().ifPresent(s::setHardState);
      if (!rd.committedEntries().isEmpty()) {
        // Crash before applying: the Ready is never advanced.
        return;
      }
      n.advance(rd);
    }
  }

  // etcd Config.Applied / rawnode restart: a restarted node hands out the committed entries the
  // state machine had not applied, exactly once, starting after RaftConfig.applied.
  @Test
  void restartHandsOutCommittedButUnappliedEntriesExactlyOnce() {
    MemoryLogStorage s = new MemoryLogStorage(TestNode.voters(1));
    RaftConfig cfg = Network.defaults().id(1).build();
    RawNode n = new RawNode(cfg, s);
    n.campaign();
    Ready rd = n.ready();
    s.append(rd.entries());
    rd.hardState().ifPresent(s::setHardState);
    n.advance(rd);
    rd = n.ready(); // commits and applies the empty entry
    rd.hardState().ifPresent(s::setHardState);
    n.advance(rd);
    for (String d : List.of("a", "b", "c")) {
      n.propose(bytes(d));
    }
    persistOnly(n, s);
    assertThat(s.hardState().getCommit()).isEqualTo(4);

    for (long applied : new long[] {1, 2, 4}) {
      RawNode restarted = new RawNode(cfg.toBuilder().applied(applied).build(), s);
      List<Long> handedOut = new ArrayList<>();
      while (restarted.hasReady()) {
        Ready r = restarted.ready();
        r.committedEntries().forEach(e -> handedOut.add(e.getIndex()));
        restarted.advance(r);
      }
      List<Long> expected = new ArrayList<>();
      for (long i = applied + 1; i <= 4; i++) {
        expected.add(i);
      }
      assertThat(handedOut).as("applied=%d", applied).isEqualTo(expected);
      assertThat(restarted.status().applied()).isEqualTo(4);
    }
  }

  // etcd Config.MaxCommittedSizePerReady: committed entries are paginated; a restart in the middle
  // resumes after the last applied one, never skipping or repeating an entry.
  @Test
  void committedEntriesArePaginatedAndPaginationSurvivesARestart() {
    MemoryLogStorage s = new MemoryLogStorage(TestNode.voters(1));
    // Each 100-byte entry serializes to 106 bytes: two fit in a page.
    RaftConfig cfg = Network.defaults().id(1).maxCommittedSizePerReady(250).build();
    RawNode n = new RawNode(cfg, s);
    n.campaign();
    List<Long> applied = new ArrayList<>();
    byte[] payload = new byte[100];
    int pages = 0;
    boolean proposed = false;
    while (n.hasReady()) {
      Ready rd = n.ready();
      s.append(rd.entries());
      rd.hardState().ifPresent(s::setHardState);
      if (!rd.committedEntries().isEmpty()) {
        assertThat(
                rd.committedEntries().size() == 1
                    || EntrySizes.serialized(rd.committedEntries()) <= 250)
            .isTrue();
        pages++;
      }
      if (pages == 4 && !rd.committedEntries().isEmpty()) {
        break; // crash while applying the fourth page
      }
      rd.committedEntries().forEach(e -> applied.add(e.getIndex()));
      n.advance(rd);
      if (!proposed) {
        proposed = true;
        for (int i = 0; i < 10; i++) {
          n.propose(payload);
        }
      }
    }
    assertThat(pages).isEqualTo(4);
    long lastApplied = applied.get(applied.size() - 1);

    RawNode restarted = new RawNode(cfg.toBuilder().applied(lastApplied).build(), s);
    while (restarted.hasReady()) {
      Ready rd = restarted.ready();
      s.append(rd.entries());
      rd.hardState().ifPresent(s::setHardState);
      assertThat(rd.committedEntries().size()).isLessThanOrEqualTo(2);
      rd.committedEntries().forEach(e -> applied.add(e.getIndex()));
      restarted.advance(rd);
    }
    List<Long> all = new ArrayList<>();
    for (long i = 1; i <= 11; i++) {
      all.add(i);
    }
    assertThat(applied).isEqualTo(all);
  }

  /** A scripted run over a 3-node cluster; returns every node's Ready sequence. */
  private static Map<Long, List<Ready>> scriptedRun(long seed) {
    Network net =
        Network.of(3, Network.defaults().randomSeed(seed).preVote(true).checkQuorum(true));
    net.nodes.values().forEach(n -> n.recordReadies = true);
    long leader = net.electLeader(100);
    assertThat(leader).isNotZero();
    for (int i = 0; i < 5; i++) {
      net.propose(leader, "p" + i);
    }
    net.drop(leader, (leader % 3) + 1, 0.5);
    net.tickAll(30);
    net.isolate(leader);
    net.tickAll(40);
    net.recover();
    net.tickAll(40);
    net.node(1).raw.readIndex(bytes("r"));
    net.settle();
    return Map.of(1L, net.node(1).readies, 2L, net.node(2).readies, 3L, net.node(3).readies);
  }

  // DESIGN.md: the core is deterministic; the same seeds and inputs give the same Readies.
  @Test
  void sameSeedsAndInputsProduceIdenticalReadySequences() {
    Map<Long, List<Ready>> a = scriptedRun(42);
    Map<Long, List<Ready>> b = scriptedRun(42);
    for (long id = 1; id <= 3; id++) {
      assertThat(a.get(id)).as("node %d", id).isNotEmpty();
      assertThat(b.get(id)).as("node %d", id).isEqualTo(a.get(id));
    }
  }

  // Thesis §10.2.1: a leader may send its entries before they are durable locally, but its own
  // copy counts toward the commit quorum only once persisted (advance).
  @Test
  void leaderCountsItsOwnEntryTowardCommitOnlyOncePersisted() {
    Network net = Network.of(3);
    net.campaign(1);
    TestNode n1 = net.node(1);
    n1.raw.propose(bytes("x"));
    Ready rd = n1.raw.ready();
    assertThat(rd.entries()).hasSize(1);
    List<Message> toTwo = rd.messages().stream().filter(m -> m.getTo() == 2).toList();
    assertThat(toTwo).isNotEmpty();
    for (Message m : toTwo) {
      for (Message resp : net.node(2).step(m)) {
        n1.raw.step(resp);
      }
    }
    // One follower and a leader whose copy is not yet durable: not a quorum.
    assertThat(n1.status().commit()).isEqualTo(1);

    n1.storage.append(rd.entries());
    rd.hardState().ifPresent(n1.storage::setHardState);
    n1.raw.advance(rd);
    assertThat(n1.status().commit()).isEqualTo(2);
    n1.drain();
    assertThat(n1.appliedData()).containsExactly("x");
  }
}
