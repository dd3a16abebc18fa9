package dev.raftboot.core;

import static dev.raftboot.core.Msgs.app;
import static dev.raftboot.core.Msgs.appResp;
import static dev.raftboot.core.Msgs.msg;
import static dev.raftboot.core.Msgs.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Input a node must refuse or survive without corrupting its state. */
class BadInputTest {

  // etcd RawNode.Step: local message types cannot come from the network (ErrStepLocalMsg).
  @ParameterizedTest
  @EnumSource(
      value = MessageType.class,
      names = {"MSG_HUP", "MSG_BEAT", "MSG_UNREACHABLE", "MSG_SNAP_STATUS", "MSG_CHECK_QUORUM"})
  void localMessageTypesAreRefused(MessageType type) {
    Network net = Network.of(3);
    net.campaign(1);
    for (TestNode n : net.nodes.values()) {
      assertThatThrownBy(() -> n.raw.step(msg(type, 2, n.id(), 1).build()))
          .isInstanceOf(InvalidMessageException.class);
    }
    assertThat(net.leader()).isEqualTo(1);
    assertThat(net.node(1).status().term()).isEqualTo(1);
  }

  // Protobuf keeps unknown enum values: a message type from the future is refused too.
  @Test
  void unknownMessageTypeIsRefused() {
    RawNode n = Network.of(3).node(1).raw;
    assertThatThrownBy(() -> n.step(Message.newBuilder().setTypeValue(99).setFrom(2).build()))
        .isInstanceOf(InvalidMessageException.class);
  }

  // etcd RawNode.Step (ErrStepPeerNotFound): responses from peers not in the configuration are
  // ignored, and their votes never count.
  @Test
  void responsesFromUnknownPeersAreIgnored() {
    Network net = Network.of(3);
    net.campaign(1);
    TestNode n1 = net.node(1);
    Status before = n1.status();
    assertThat(n1.step(appResp(9, 1, 1, 100))).isEmpty();
    assertThat(n1.step(msg(MessageType.MSG_HEARTBEAT_RESPONSE, 9, 1, 1).build())).isEmpty();
    assertThat(n1.step(appResp(9, 1, 1, 100).toBuilder().setReject(true).build())).isEmpty();
    assertThat(n1.status()).isEqualTo(before);

    TestNode c = Network.of(3).node(1);
    c.raw.campaign();
    c.drain();
    c.step(msg(MessageType.MSG_REQUEST_VOTE_RESPONSE, 8, 1, 1).build());
    c.step(msg(MessageType.MSG_REQUEST_VOTE_RESPONSE, 9, 1, 1).build());
    assertThat(c.status().role()).isEqualTo(StateRole.CANDIDATE);
  }

  // §5.3 consistency check: an append whose previous index lies far beyond the log is rejected
  // with a hint, and nothing in the log or commit index changes.
  @Test
  void appendFarBeyondTheLogIsRejectedWithoutCorruptingState() {
    TestNode f =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 1},
            HardState.newBuilder().setTerm(1).setCommit(1).build());
    f.drain();
    List<Entry> before = f.log();
    Message resp =
        single(
            f.step(app(1, 2, 1, 1000, 1, 2000, TestNode.entries(1001, 1))),
            MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getReject()).isTrue();
    assertThat(resp.getIndex()).isEqualTo(1000);
    assertThat(resp.getRejectHint()).isEqualTo(3);
    assertThat(resp.getLogTerm()).isEqualTo(1);
    assertThat(f.log()).isEqualTo(before);
    assertThat(f.status().commit()).isEqualTo(1);
    assertThat(f.status().lastIndex()).isEqualTo(3);
    // A later valid append still works.
    f.step(app(1, 2, 1, 3, 1, 4, TestNode.entries(4, 1)));
    assertThat(f.status().commit()).isEqualTo(4);
  }

  // An append whose entries do not follow its previous index is malformed: refused with a type,
  // and nothing changes.
  @Test
  void appendWithNonContiguousEntriesIsRefused() {
    TestNode f =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 1},
            HardState.newBuilder().setTerm(1).setCommit(1).build());
    f.drain();
    List<Entry> before = f.log();
    assertThatThrownBy(() -> f.raw.step(app(1, 2, 1, 3, 1, 3, TestNode.entries(5, 1))))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("index 5");
    assertThat(f.log()).isEqualTo(before);
    assertThat(f.status().commit()).isEqualTo(1);
  }

  // No follower can hold more than the leader wrote: such an acknowledgement is ignored instead
  // of pushing the peer's progress past the leader's log.
  @Test
  void appendResponseBeyondTheLeadersLogIsIgnored() {
    Network net = Network.of(3);
    net.campaign(1);
    long last = net.node(1).status().lastIndex();
    net.node(1).step(appResp(2, 1, 1, last + 1000));
    Progress p = net.node(1).status().progress().get(2L);
    assertThat(p.match()).isLessThanOrEqualTo(last);
    assertThat(p.next()).isLessThanOrEqualTo(last + 1);
  }

  // etcd handleAppendEntries: an append below the commit index is answered with the commit index.
  @Test
  void appendBelowCommitIsAnsweredWithCommitIndex() {
    TestNode f =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 1},
            HardState.newBuilder().setTerm(1).setCommit(3).build());
    f.drain();
    Message resp =
        single(
            f.step(app(1, 2, 1, 0, 0, 0, TestNode.entries(1, 1))), MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getReject()).isFalse();
    assertThat(resp.getIndex()).isEqualTo(3);
    assertThat(f.status().lastIndex()).isEqualTo(3);
  }

  // etcd raft.restore: a snapshot older than the follower's committed log is ignored.
  @Test
  void snapshotOlderThanTheLogIsIgnored() {
    TestNode f =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 1, 1},
            HardState.newBuilder().setTerm(1).setCommit(4).build());
    f.drain();
    List<Message> out = f.step(SnapshotTest.snap(1, 2, 1, 2, 1));
    assertThat(single(out, MessageType.MSG_APPEND_RESPONSE).getIndex()).isEqualTo(4);
    assertThat(f.storage.snapshot(0).getMetadata().getIndex()).isZero();
    assertThat(f.status().lastIndex()).isEqualTo(4);
  }

  static Stream<Arguments> invalidConfigs() {
    return Stream.of(
        bad("id", b -> b.id(0)),
        bad("id", b -> b.id(-1)),
        bad("heartbeatTick", b -> b.heartbeatTick(0)),
        bad("heartbeatTick", b -> b.heartbeatTick(-2)),
        bad("electionTick", b -> b.electionTick(1).heartbeatTick(1)),
        bad("electionTick", b -> b.electionTick(0)),
        bad("applied", b -> b.applied(-1)),
        bad("maxSizePerMsg", b -> b.maxSizePerMsg(-1)),
        bad("maxCommittedSizePerReady", b -> b.maxCommittedSizePerReady(-1)),
        bad("maxUncommittedEntriesSize", b -> b.maxUncommittedEntriesSize(-1)),
        bad("maxInflightMsgs", b -> b.maxInflightMsgs(0)),
        bad("maxInflightBytes", b -> b.maxInflightBytes(-1)),
        bad("maxInflightBytes", b -> b.maxSizePerMsg(1000).maxInflightBytes(999)),
        bad("readOnlyOption", b -> b.readOnlyOption(null)),
        bad("readOnlyOption", b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED).checkQuorum(false)),
        bad("leaseMarginTicks", b -> b.leaseMarginTicks(1)),
        bad("leaseMarginTicks", b -> b.leaseMarginTicks(-3)));
  }

  private static Arguments bad(String field, UnaryOperator<RaftConfig.Builder> f) {
    return Arguments.of(field, f);
  }

  // DESIGN.md: an invalid RaftConfig value fails build() with IllegalArgumentException naming the
  // field; LEASE_BASED reads need check-quorum (thesis §6.4.1).
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void invalidConfigIsRefusedNamingTheField(String field, UnaryOperator<RaftConfig.Builder> f) {
    RaftConfig.Builder b = RaftConfig.builder().id(1);
    assertThatThrownBy(() -> f.apply(b).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }

  @Test
  void validConfigBuilds() {
    assertThatCode(
            () ->
                RaftConfig.builder()
                    .id(1)
                    .readOnlyOption(ReadOnlyOption.LEASE_BASED)
                    .checkQuorum(true)
                    .maxSizePerMsg(0)
                    .maxInflightBytes(0)
                    .build())
        .doesNotThrowAnyException();
  }
}
