package dev.raftboot.core;

import static dev.raftboot.core.Msgs.app;
import static dev.raftboot.core.Msgs.appResp;
import static dev.raftboot.core.Msgs.msg;
import static dev.raftboot.core.Msgs.ofType;
import static dev.raftboot.core.Msgs.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Log replication: §5.3 and §5.4 of the Raft paper, and etcd's flow control. */
class ReplicationTest {

  private static final ConfState THREE = TestNode.voters(1, 2, 3);

  private static HardState term(long t) {
    return HardState.newBuilder().setTerm(t).build();
  }

  private static byte[] payload(int size, char c) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) c);
    return b;
  }

  private static List<Long> terms(List<Entry> ents) {
    return ents.stream().map(Entry::getTerm).toList();
  }

  // §5.3: the leader replicates an entry and commits it once a majority holds it.
  @Test
  void leaderCommitsAnEntryOnceAMajorityHoldsIt() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "a");
    assertThat(net.node(1).status().commit()).isEqualTo(2);
    assertThat(net.node(1).appliedData()).containsExactly("a");
    assertThat(net.node(2).appliedData()).containsExactly("a");
    assertThat(net.node(3).appliedData()).isEmpty();

    net.recover();
    net.tick(1, 1);
    assertThat(net.node(3).appliedData()).containsExactly("a");
    assertThat(net.node(3).log()).isEqualTo(net.node(1).log());
  }

  // §5.3 log matching: a follower keeps the matching prefix and truncates a conflicting suffix.
  @Test
  void followerTruncatesConflictingSuffixAndKeepsMatchingPrefix() {
    TestNode f = TestNode.withLog(2, THREE, Network.defaults(), new long[] {1, 1, 2, 2}, term(2));
    Message resp =
        single(
            f.step(app(1, 2, 3, 2, 1, 0, TestNode.entries(3, 3, 3))),
            MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getReject()).isFalse();
    assertThat(resp.getIndex()).isEqualTo(4);
    assertThat(f.logTerms()).containsExactly(1L, 1L, 3L, 3L);

    // Entries it already has do not truncate what follows them.
    resp =
        single(
            f.step(app(1, 2, 3, 0, 0, 0, TestNode.entries(1, 1, 1))),
            MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getIndex()).isEqualTo(2);
    assertThat(f.logTerms()).containsExactly(1L, 1L, 3L, 3L);

    // A previous entry that does not match is rejected, and the log is untouched.
    resp =
        single(
            f.step(app(1, 2, 3, 4, 2, 0, TestNode.entries(5, 3))), MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getReject()).isTrue();
    assertThat(f.logTerms()).containsExactly(1L, 1L, 3L, 3L);
  }

  /** The follower logs (a)–(f) of Figure 7, for a leader whose log is {@link #FIG7_LEADER}. */
  private static final long[] FIG7_LEADER = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};

  private static long[] fig7(String c) {
    return switch (c) {
      case "a" -> new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6};
      case "b" -> new long[] {1, 1, 1, 4};
      case "c" -> new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6};
      case "d" -> new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7};
      case "e" -> new long[] {1, 1, 1, 4, 4, 4, 4};
      case "f" -> new long[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3};
      default -> throw new IllegalArgumentException(c);
    };
  }

  private static Network fig7Network(String c) {
    long[] follower = fig7(c);
    TestNode leader =
        TestNode.withLog(
            1,
            THREE,
            Network.defaults(),
            FIG7_LEADER,
            HardState.newBuilder().setTerm(7).setCommit(FIG7_LEADER.length).build());
    TestNode f =
        TestNode.withLog(
            2, THREE, Network.defaults(), follower, term(follower[follower.length - 1]));
    TestNode third = TestNode.withLog(3, THREE, Network.defaults(), FIG7_LEADER, term(7));
    return Network.of(leader, f, third);
  }

  // §5.3 Figure 7: every divergent follower log converges to the new leader's log.
  @ParameterizedTest(name = "follower ({0})")
  @ValueSource(strings = {"a", "b", "c", "d", "e", "f"})
  void figure7DivergentFollowerConvergesToTheLeadersLog(String c) {
    Network net = fig7Network(c);
    net.campaign(1);
    assertThat(net.leader()).isEqualTo(1);
    assertThat(net.node(1).status().term()).isEqualTo(8);
    net.propose(1, "new");

    List<Long> expected = new ArrayList<>();
    for (long t : FIG7_LEADER) {
      expected.add(t);
    }
    expected.add(8L);
    expected.add(8L);
    assertThat(net.node(1).logTerms()).isEqualTo(expected);
    assertThat(net.node(2).log()).isEqualTo(net.node(1).log());
    assertThat(net.node(2).status().commit()).isEqualTo(12);
    assertThat(net.node(2).applied).isEqualTo(net.node(1).applied);
  }

  // Thesis §5.3 / etcd findConflictByTerm: the rejection hint lets the leader find where a
  // follower's log diverges in one round trip, whatever the length of the divergent suffix.
  @ParameterizedTest(name = "follower ({0})")
  @ValueSource(strings = {"a", "b", "c", "d", "e", "f"})
  void rejectionHintFindsTheDivergencePointInOneRoundTrip(String c) {
    Network net = fig7Network(c);
    net.campaign(1);
    List<Message> rejections =
        net.deliveredOf(MessageType.MSG_APPEND_RESPONSE, 2, 1).stream()
            .filter(Message::getReject)
            .toList();
    int expected = c.equals("c") || c.equals("d") ? 0 : 1;
    assertThat(rejections).hasSize(expected);
    assertThat(net.node(2).log()).isEqualTo(net.node(1).log());
  }

  // §5.4.2 / Figure 8: a leader never commits an entry of an older term by counting replicas; it
  // is committed only indirectly, once an entry of the leader's own term is.
  @Test
  void leaderDoesNotCommitOlderTermEntryByCountingReplicas() {
    TestNode n1 = TestNode.withLog(1, THREE, Network.defaults(), new long[] {1, 2}, term(2));
    n1.raw.campaign();
    n1.drain();
    n1.step(msg(MessageType.MSG_REQUEST_VOTE_RESPONSE, 2, 1, 3).build());
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    assertThat(n1.status().lastIndex()).isEqualTo(3); // its empty entry of term 3

    n1.step(appResp(2, 1, 3, 2));
    n1.step(appResp(3, 1, 3, 2));
    // Index 2 (term 2) is on all three nodes, yet not committed.
    assertThat(n1.status().commit()).isZero();

    n1.step(appResp(2, 1, 3, 3));
    assertThat(n1.status().commit()).isEqualTo(3);
    assertThat(terms(n1.applied)).containsExactly(1L, 2L, 3L);
  }

  // §5.4.2 Figure 8 end to end: an old-term entry that a later leader replicated to a majority is
  // still not committed, and indeed a newer leader may overwrite it.
  @Test
  void figure8OldTermEntryOnAMajorityIsNotCommittedAndMayBeOverwritten() {
    Network net = Network.of(5, Network.defaults().maxSizePerMsg(0));
    // (a) S1 leads term 1; its entry at index 1 reaches S2 only.
    net.intercept(m -> m.getType() == MessageType.MSG_APPEND && m.getFrom() == 1 && m.getTo() >= 3);
    net.campaign(1);
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(2).logTerms()).containsExactly(1L);
    assertThat(net.node(3).logTerms()).isEmpty();

    // (b) S1 crashes; S5 wins term 2 with S3 and S4 and appends index 1 (term 2) only locally.
    net.recover();
    net.node(1).restart();
    net.isolate(1);
    net.isolate(2);
    net.intercept(m -> m.getType() == MessageType.MSG_APPEND && m.getFrom() == 5);
    net.campaign(5);
    assertThat(net.node(5).status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(5).logTerms()).containsExactly(2L);

    // (c) S5 crashes; S1 wins term 3 and replicates its term-1 entry to S3 and S4: a majority
    // holds it. Its own term-3 entry reaches nobody.
    net.recover();
    net.node(5).restart();
    net.isolate(5);
    net.rewrite(
        m -> {
          if (m.getType() != MessageType.MSG_APPEND || m.getFrom() != 1) {
            return m;
          }
          List<Entry> kept = m.getEntriesList().stream().filter(e -> e.getTerm() < 3).toList();
          return m.toBuilder().clearEntries().addAllEntries(kept).build();
        });
    for (int i = 0; i < 3 && net.node(1).status().role() != StateRole.LEADER; i++) {
      net.campaign(1);
    }
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(1).status().term()).isEqualTo(3);
    for (long id = 1; id <= 4; id++) {
      assertThat(net.node(id).logTerms()).as("node %d", id).startsWith(1L);
    }
    for (long id = 1; id <= 4; id++) {
      assertThat(net.node(id).status().commit()).as("node %d", id).isZero();
    }

    // (d) S1 crashes; S5 wins term 4 (its last term 2 beats 1) and overwrites index 1.
    net.recover();
    net.node(1).restart();
    net.isolate(1);
    for (int i = 0; i < 3 && net.node(5).status().role() != StateRole.LEADER; i++) {
      net.campaign(5);
    }
    assertThat(net.node(5).status().role()).isEqualTo(StateRole.LEADER);
    for (long id = 2; id <= 5; id++) {
      assertThat(net.node(id).logTerms()).as("node %d", id).containsExactly(2L, 4L);
      assertThat(net.node(id).status().commit()).as("node %d", id).isEqualTo(2);
      assertThat(terms(net.node(id).applied)).as("node %d", id).containsExactly(2L, 4L);
    }
    assertThat(net.node(1).applied).isEmpty();
  }

  // §5.3: a follower commits min(leaderCommit, index of the last new entry), never beyond what
  // the leader's message proved it holds.
  @Test
  void followerCommitIsMinOfLeaderCommitAndLastNewEntry() {
    TestNode f = Network.of(3).node(2);
    f.step(app(1, 2, 1, 0, 0, 5, TestNode.entries(1, 1, 1)));
    assertThat(f.status().commit()).isEqualTo(2);
    f.step(app(1, 2, 1, 2, 1, 3, TestNode.entries(3, 1, 1, 1)));
    assertThat(f.status().commit()).isEqualTo(3);
    // Commit never moves back.
    f.step(app(1, 2, 1, 1, 1, 1, List.of()));
    assertThat(f.status().commit()).isEqualTo(3);

    // A follower with a longer (possibly stale) log commits only up to the leader's last entry.
    TestNode g =
        TestNode.withLog(2, THREE, Network.defaults(), new long[] {1, 1, 1, 1, 1}, term(1));
    g.step(app(1, 2, 1, 1, 1, 5, List.of()));
    assertThat(g.status().commit()).isEqualTo(1);
  }

  // etcd sendHeartbeat: a heartbeat carries min(match, commit) so a follower never commits past
  // what it is known to hold.
  @Test
  void heartbeatCarriesMinOfMatchAndCommit() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "x");
    net.propose(1, "y");
    assertThat(net.node(1).status().commit()).isEqualTo(3);
    net.node(1).raw.tick();
    List<Message> hbs = ofType(net.node(1).drain(), MessageType.MSG_HEARTBEAT);
    assertThat(hbs).hasSize(2);
    for (Message hb : hbs) {
      assertThat(hb.getCommit()).isEqualTo(hb.getTo() == 2 ? 3 : 1);
    }
  }

  // §5.4 / §5.3: a leader cut off from the majority cannot commit; its uncommitted entries are
  // overwritten by the new leader's once it rejoins.
  @Test
  void partitionedOldLeaderCannotCommitAndItsEntriesAreOverwritten() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(1);
    net.propose(1, "lost1");
    net.propose(1, "lost2");
    assertThat(net.node(1).status().commit()).isEqualTo(1);
    assertThat(net.node(1).status().lastIndex()).isEqualTo(3);

    net.campaign(2);
    assertThat(net.node(2).status().role()).isEqualTo(StateRole.LEADER);
    net.propose(2, "kept");
    net.recover();
    net.tick(2, 1);
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(net.node(1).status().term()).isEqualTo(2);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.log()).as("node %d", n.id()).isEqualTo(net.node(2).log());
      assertThat(n.appliedData()).as("node %d", n.id()).containsExactly("kept");
    }
  }

  // §5.3 (appends are idempotent): stale, duplicated and reordered MsgApps change nothing.
  @Test
  void staleDuplicatedAndReorderedAppendsAreHarmless() {
    TestNode f = Network.of(3).node(2);
    Message full = app(1, 2, 1, 0, 0, 2, TestNode.entries(1, 1, 1, 1));
    Message first = app(1, 2, 1, 0, 0, 0, TestNode.entries(1, 1));
    Message middle = app(1, 2, 1, 1, 1, 1, TestNode.entries(2, 1));
    f.step(full);
    List<Entry> log = f.log();
    for (Message m : List.of(first, middle, full, first)) {
      Message resp = single(f.step(m), MessageType.MSG_APPEND_RESPONSE);
      assertThat(resp.getReject()).isFalse();
      assertThat(f.log()).isEqualTo(log);
      assertThat(f.status().commit()).isEqualTo(2);
    }
  }

  // etcd Progress.MaybeUpdate/MaybeDecrTo: duplicated and reordered MsgAppResps are harmless.
  @Test
  void duplicatedAndReorderedAppendResponsesAreHarmless() {
    Network net = Network.of(3);
    net.campaign(1);
    net.propose(1, "a");
    net.propose(1, "b");
    TestNode n1 = net.node(1);
    Status before = n1.status();
    List<Message> oldResps = net.deliveredOf(MessageType.MSG_APPEND_RESPONSE, 0, 1);
    assertThat(oldResps).isNotEmpty();
    // Replay every response, newest first, then oldest first.
    List<Message> replay = new ArrayList<>(oldResps);
    java.util.Collections.reverse(replay);
    replay.addAll(oldResps);
    // A stale rejection of an index below match is ignored too.
    replay.add(appResp(2, 1, 1, 1).toBuilder().setReject(true).setRejectHint(0).build());
    net.send(replay);
    Status after = n1.status();
    assertThat(after.commit()).isEqualTo(before.commit());
    assertThat(after.progress()).isEqualTo(before.progress());
    for (TestNode n : net.nodes.values()) {
      assertThat(n.appliedData()).containsExactly("a", "b");
    }
  }

  // etcd progress states: a follower is probed (one MsgApp at a time) until it acknowledges,
  // then entries stream to it (REPLICATE).
  @Test
  void progressMovesFromProbeToReplicate() {
    Network net = Network.of(3);
    net.intercept(m -> m.getType() == MessageType.MSG_APPEND_RESPONSE && m.getFrom() == 2);
    net.campaign(1);
    TestNode n1 = net.node(1);
    assertThat(n1.status().progress().get(2L).state()).isEqualTo(ProgressState.PROBE);
    assertThat(n1.status().progress().get(3L).state()).isEqualTo(ProgressState.REPLICATE);
    assertThat(n1.status().progress().get(1L).state()).isEqualTo(ProgressState.REPLICATE);

    net.propose(1, "a");
    net.propose(1, "b");
    // While probing, only the first probe is outstanding: nothing else goes to 2.
    assertThat(
            net.deliveredOf(MessageType.MSG_APPEND, 1, 2).stream()
                .filter(m -> m.getEntriesCount() > 0))
        .hasSize(1);

    net.recover();
    net.tick(1, 1); // the heartbeat response resumes probing
    assertThat(n1.status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
    assertThat(n1.status().progress().get(2L).match()).isEqualTo(3);
    assertThat(net.node(2).appliedData()).containsExactly("a", "b");
  }

  // etcd Inflights (maxInflightMsgs): a full window pauses replication; acks free it.
  @Test
  void fullInflightWindowPausesUntilAcksFreeIt() {
    Network net = Network.of(3, Network.defaults().maxInflightMsgs(2));
    net.campaign(1);
    List<Message> held = new ArrayList<>();
    net.intercept(
        m -> {
          if (m.getType() == MessageType.MSG_APPEND_RESPONSE && m.getFrom() == 2) {
            held.add(m);
            return true;
          }
          return false;
        });
    int before = appendsWithEntries(net, 2);
    for (int i = 0; i < 5; i++) {
      net.propose(1, "p" + i);
    }
    assertThat(appendsWithEntries(net, 2) - before).isEqualTo(2);
    assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
    assertThat(net.node(2).status().lastIndex()).isEqualTo(3);

    net.recover();
    net.send(held);
    assertThat(net.node(2).status().lastIndex()).isEqualTo(6);
    assertThat(net.node(1).status().progress().get(2L).match()).isEqualTo(6);
  }

  // etcd Config.MaxInflightBytes: the window also closes on bytes in flight.
  @Test
  void inflightBytesLimitPausesReplication() {
    // Each 100-byte entry serializes to 106 bytes; one per message, the window closes at 300.
    Network net = Network.of(3, Network.defaults().maxSizePerMsg(200).maxInflightBytes(300));
    net.campaign(1);
    List<Message> held = new ArrayList<>();
    net.intercept(
        m -> {
          if (m.getType() == MessageType.MSG_APPEND_RESPONSE && m.getFrom() == 2) {
            held.add(m);
            return true;
          }
          return false;
        });
    int before = appendsWithEntries(net, 2);
    for (int i = 0; i < 6; i++) {
      net.node(1).raw.propose(payload(100, (char) ('a' + i)));
      net.settle();
    }
    assertThat(appendsWithEntries(net, 2) - before).isEqualTo(3);
    net.recover();
    net.send(held);
    assertThat(net.node(2).status().lastIndex()).isEqualTo(7);
  }

  // etcd Config.MaxSizePerMsg: a MsgApp carries at most maxSizePerMsg bytes of entries, but an
  // entry larger than that still goes, alone.
  @Test
  void maxSizePerMsgBoundsEntriesPerAppendButAnOversizedEntryGoesAlone() {
    Network net = Network.of(3, Network.defaults().maxSizePerMsg(250));
    net.campaign(1);
    net.isolate(2);
    for (int i = 0; i < 6; i++) {
      net.node(1).raw.propose(payload(100, 'x'));
    }
    net.node(1).raw.propose(payload(1000, 'y'));
    net.settle();
    net.recover();
    int from = net.delivered.size();
    net.tick(1, 1);
    List<Message> catchUp =
        net.delivered.subList(from, net.delivered.size()).stream()
            .filter(m -> m.getType() == MessageType.MSG_APPEND && m.getTo() == 2)
            .filter(m -> m.getEntriesCount() > 0)
            .toList();
    assertThat(catchUp).isNotEmpty();
    for (Message m : catchUp) {
      long size = EntrySizes.serialized(m.getEntriesList());
      assertThat(m.getEntriesCount() == 1 || size <= 250).as("%s", m).isTrue();
    }
    assertThat(catchUp.stream().mapToInt(Message::getEntriesCount).max().getAsInt()).isEqualTo(2);
    assertThat(catchUp)
        .anySatisfy(
            m -> {
              assertThat(m.getEntriesCount()).isEqualTo(1);
              assertThat(m.getEntries(0).getData().size()).isEqualTo(1000);
            });
    assertThat(net.node(2).log()).isEqualTo(net.node(1).log());
  }

  private static int appendsWithEntries(Network net, long to) {
    return (int)
        net.deliveredOf(MessageType.MSG_APPEND, 1, to).stream()
            .filter(m -> m.getEntriesCount() > 0)
            .count();
  }

  // Unused helper kept small: indexes 1..n.
  static long[] upTo(int n) {
    return LongStream.rangeClosed(1, n).toArray();
  }

  static ByteString data(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
