package dev.raftboot.core;

import static dev.raftboot.core.Msgs.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client proposals: forwarding and the reasons a proposal is dropped. */
class ProposalTest {

  // Thesis §6.2 / etcd stepFollower MsgProp: a follower forwards a proposal to its leader.
  @Test
  void followerForwardsProposalToLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    net.propose(2, "via-follower");
    assertThat(net.deliveredOf(MessageType.MSG_PROPOSE, 2, 1)).hasSize(1);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.appliedData()).as("node %d", n.id()).containsExactly("via-follower");
    }
  }

  // A proposal forwarded to a node that has just lost its leader to an election is held there and
  // forwarded once the new leader is known (etcd drops it; its proposer would learn by timeout).
  @Test
  void proposalForwardedDuringAnElectionReachesTheNewLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    net.node(2).raw.campaign();
    List<Message> votes = net.node(2).drain();
    Message voteTo3 = votes.stream().filter(m -> m.getTo() == 3).findFirst().orElseThrow();
    net.node(3).raw.step(voteTo3);
    assertThat(net.node(3).status().leaderId()).as("3 follows term 2 with no leader yet").isZero();

    // Node 1, still leading term 1 as far as it knows, had forwarded... a follower's proposal.
    net.node(3)
        .raw
        .step(
            Message.newBuilder()
                .setType(MessageType.MSG_PROPOSE)
                .setFrom(1)
                .setTo(3)
                .addEntries(Entry.newBuilder().setData(ByteString.copyFromUtf8("mid-election")))
                .build());
    assertThat(net.node(3).raw.holdsForwardedProposals()).isTrue();

    net.send(votes.stream().filter(m -> m.getTo() != 3).toList());
    net.settle();
    assertThat(net.leader()).isEqualTo(2);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.appliedData()).as("node %d", n.id()).containsExactly("mid-election");
    }
  }

  // etcd ErrProposalDropped: without a known leader there is nobody to take the proposal.
  @Test
  void proposalWithoutLeaderIsDropped() {
    Network net = Network.of(3);
    assertThatThrownBy(() -> net.node(1).raw.propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class)
        .satisfies(e -> assertThat(((ProposalDroppedException) e).leaderId()).isZero());
    // A candidate has no leader either.
    net.isolate(1);
    net.campaign(1);
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.CANDIDATE);
    assertThatThrownBy(() -> net.node(1).raw.propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class);
    assertThat(net.node(1).status().lastIndex()).isZero();
  }

  // etcd Config.DisableProposalForwarding: a follower drops proposals and names the leader.
  @Test
  void proposalOnFollowerIsDroppedWhenForwardingIsDisabled() {
    Network net = Network.of(3, Network.defaults().disableProposalForwarding(true));
    net.campaign(1);
    assertThatThrownBy(() -> net.node(2).raw.propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class)
        .satisfies(e -> assertThat(((ProposalDroppedException) e).leaderId()).isEqualTo(1));
    assertThat(net.node(2).drain()).isEmpty();
    net.propose(1, "on-leader");
    assertThat(net.node(2).appliedData()).containsExactly("on-leader");
  }

  // Thesis §3.10: a leader transferring leadership stops accepting proposals.
  @Test
  void proposalDuringLeadershipTransferIsDropped() {
    Network net = Network.of(3);
    net.campaign(1);
    net.cut(1, 3); // the MsgTimeoutNow is lost: the transfer stays in progress
    net.node(1).raw.transferLeader(3);
    net.settle();
    assertThat(net.node(1).status().leadTransferee()).isEqualTo(3);
    assertThatThrownBy(() -> net.node(1).raw.propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class);
    // A forwarded proposal is dropped at the leader the same way.
    net.propose(2, "fwd");
    assertThat(net.node(1).status().lastIndex()).isEqualTo(1);
  }

  // etcd Config.MaxUncommittedEntriesSize: payload bytes appended and not yet committed are
  // bounded;
  // the room comes back once entries commit. A first proposal of any size is accepted.
  @Test
  void proposalsOverTheUncommittedSizeLimitAreDroppedUntilEntriesCommit() {
    Network net = Network.of(3, Network.defaults().maxUncommittedEntriesSize(10));
    net.campaign(1);
    net.isolate(1);
    RawNode leader = net.node(1).raw;
    leader.propose(bytes("12345"));
    leader.propose(bytes("67890")); // exactly at the limit
    assertThatThrownBy(() -> leader.propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class);
    // Empty entries carry no payload and are never refused.
    leader.propose(new byte[0]);
    net.settle();
    assertThat(net.node(1).status().lastIndex()).isEqualTo(4);

    net.recover();
    net.tick(1, 1);
    assertThat(net.node(1).status().commit()).isEqualTo(4);
    leader.propose(bytes("x"));
    net.settle();
    assertThat(net.node(2).appliedData()).containsExactly("12345", "67890", "x");

    // An oversized proposal is accepted when nothing is uncommitted: nothing gets stuck.
    leader.propose(bytes("a much larger payload than ten bytes"));
    net.settle();
    assertThat(net.node(3).appliedData()).endsWith("a much larger payload than ten bytes");
  }

  // etcd MsgProp / DESIGN.md: a dropped proposal has no effect. A conf change dropped over the
  // uncommitted-size limit must not count as pending, or its retry would silently become an
  // empty entry.
  @Test
  void droppedConfChangeDoesNotBlockItsRetry() {
    Network net = Network.of(3, Network.defaults().maxUncommittedEntriesSize(10));
    net.campaign(1);
    net.isolate(1);
    RawNode leader = net.node(1).raw;
    leader.propose(bytes("0123456789"));
    dev.raftboot.proto.ConfChangeV2 addLearner =
        MembershipTest.cc(dev.raftboot.proto.ConfChangeTransition.AUTO, MembershipTest.learner(4));
    assertThatThrownBy(() -> leader.proposeConfChange(addLearner))
        .isInstanceOf(ProposalDroppedException.class);
    net.settle();
    net.recover();
    net.tick(1, 1);
    assertThat(net.node(1).status().commit()).isEqualTo(2);

    leader.proposeConfChange(addLearner);
    net.settle();
    for (TestNode n : net.nodes.values()) {
      assertThat(n.confState.getLearnersList()).as("node %d", n.id()).containsExactly(4L);
    }
  }

  // Proposal batching: several commands in one proposal are appended in order, in one append.
  @Test
  void aBatchOfProposalsIsAppendedInOrder() {
    Network net = Network.of(3);
    net.campaign(1);
    net.node(1)
        .raw
        .propose(
            java.util.List.of(
                "a".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "b".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "c".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    net.settle();
    for (TestNode n : net.nodes.values()) {
      assertThat(n.appliedData()).containsExactly("a", "b", "c");
    }
    // Forwarded from a follower, the batch stays whole and ordered.
    net.node(2)
        .raw
        .propose(
            java.util.List.of(
                "d".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "e".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    net.settle();
    assertThat(net.node(3).appliedData()).containsExactly("a", "b", "c", "d", "e");
  }
}
