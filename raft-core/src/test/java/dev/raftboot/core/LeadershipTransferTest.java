package dev.raftboot.core;

import static dev.raftboot.core.Msgs.bytes;
import static dev.raftboot.core.Msgs.ofType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leadership transfer: thesis §3.10. */
class LeadershipTransferTest {

  // Thesis §3.10: a transferee with an up-to-date log is sent MsgTimeoutNow at once and wins.
  @Test
  void upToDateTransfereeIsToldToCampaignAtOnce() {
    Network net = Network.of(3);
    net.campaign(1);
    net.node(1).raw.transferLeader(2);
    List<Message> out = net.node(1).drain();
    assertThat(out).extracting(Message::getType).containsExactly(MessageType.MSG_TIMEOUT_NOW);
    assertThat(out.get(0).getTo()).isEqualTo(2);
    net.send(out);
    assertThat(net.leader()).isEqualTo(2);
    assertThat(net.node(2).status().term()).isEqualTo(2);
    assertThat(net.node(1).status().leaderId()).isEqualTo(2);
  }

  // Thesis §3.10: a lagging transferee is first brought up to date, then told to campaign.
  @Test
  void laggingTransfereeIsCaughtUpFirst() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    for (int i = 0; i < 3; i++) {
      net.propose(1, "e" + i);
    }
    net.recover();
    net.node(1).raw.transferLeader(3);
    List<Message> out = net.node(1).drain();
    assertThat(ofType(out, MessageType.MSG_TIMEOUT_NOW)).isEmpty();
    assertThat(ofType(out, MessageType.MSG_APPEND)).isNotEmpty();
    net.send(out);
    assertThat(net.leader()).isEqualTo(3);
    assertThat(net.node(3).appliedData()).containsExactly("e0", "e1", "e2");
    // The MsgTimeoutNow went out only once 3 had everything.
    Message timeoutNow = net.deliveredOf(MessageType.MSG_TIMEOUT_NOW, 1, 3).get(0);
    int at = net.delivered.indexOf(timeoutNow);
    Message lastAck =
        net.delivered.subList(0, at).stream()
            .filter(m -> m.getType() == MessageType.MSG_APPEND_RESPONSE && m.getFrom() == 3)
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(lastAck.getIndex()).isEqualTo(4);
  }

  // Thesis §3.10: a transfer not finished within an election timeout is aborted; proposals are
  // accepted again.
  @Test
  void transferIsAbortedAfterAnElectionTimeout() {
    Network net = Network.of(3);
    net.campaign(1);
    net.cut(1, 3);
    TestNode n1 = net.node(1);
    n1.raw.transferLeader(3);
    net.settle();
    assertThat(n1.status().leadTransferee()).isEqualTo(3);
    net.tick(1, 9);
    assertThat(n1.status().leadTransferee()).isEqualTo(3);
    net.tick(1, 1);
    assertThat(n1.status().leadTransferee()).isZero();
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    n1.raw.propose(bytes("after-abort"));
    net.settle();
    assertThat(net.node(2).appliedData()).containsExactly("after-abort");
  }

  // etcd MsgTransferLeader: transfers to itself, to a node outside the configuration or to a
  // learner are no-ops.
  @Test
  void transferToSelfNonMemberOrLearnerIsANoOp() {
    Network net = Network.withLearners(3, new long[] {4}, Network.defaults());
    net.campaign(1);
    TestNode n1 = net.node(1);
    for (long target : new long[] {1, 9, 4}) {
      n1.raw.transferLeader(target);
      assertThat(n1.drain()).as("transfer to %d", target).isEmpty();
      assertThat(n1.status().leadTransferee()).isZero();
      assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    }
    net.propose(1, "still-leading");
    assertThat(net.node(4).appliedData()).containsExactly("still-leading");
  }

  // etcd stepFollower MsgTransferLeader: a follower forwards the request to its leader.
  @Test
  void transferRequestOnFollowerIsForwardedToTheLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    net.node(3).raw.transferLeader(3);
    net.settle();
    assertThat(net.deliveredOf(MessageType.MSG_TRANSFER_LEADER, 3, 1)).hasSize(1);
    assertThat(net.leader()).isEqualTo(3);
  }

  // etcd MsgTransferLeader: a new request for another node replaces the one in progress.
  @Test
  void newTransferRequestReplacesThePendingOne() {
    Network net = Network.of(3);
    net.campaign(1);
    net.cut(1, 3);
    net.node(1).raw.transferLeader(3);
    net.settle();
    assertThat(net.node(1).status().leadTransferee()).isEqualTo(3);
    net.node(1).raw.transferLeader(2);
    net.settle();
    assertThat(net.leader()).isEqualTo(2);
  }

  // Thesis §3.10 with pre-vote and check-quorum on: the transferee skips pre-vote and the
  // followers' leases, so the transfer still completes at once.
  @Test
  void transferWorksWithPreVoteAndCheckQuorum() {
    Network net = Network.of(3, Network.defaults().preVote(true).checkQuorum(true));
    net.campaign(1);
    net.node(1).raw.transferLeader(3);
    net.settle();
    assertThat(net.leader()).isEqualTo(3);
    assertThat(net.node(3).status().term()).isEqualTo(2);
  }

  // etcd TestLeaderTransferRemoveNode: a transferee removed from the configuration while the
  // transfer waits for it aborts the transfer, and proposals are accepted again.
  @Test
  void transfereeRemovedMidTransferAbortsIt() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "a");
    TestNode leader = net.node(1);
    leader.raw.transferLeader(3);
    net.settle();
    assertThat(leader.status().leadTransferee()).isEqualTo(3);
    leader.raw.applyConfChange(
        ConfChangeV2.newBuilder()
            .addChanges(
                ConfChangeSingle.newBuilder().setType(ConfChangeType.REMOVE_NODE).setNodeId(3))
            .build());
    assertThat(leader.status().leadTransferee()).isZero();
    assertThat(leader.status().role()).isEqualTo(StateRole.LEADER);
    net.propose(1, "b");
    assertThat(leader.appliedData()).containsExactly("a", "b");
  }

  // A transferee demoted to learner mid-transfer can no longer lead: the transfer is aborted.
  @Test
  void transfereeDemotedMidTransferAbortsIt() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "a");
    TestNode leader = net.node(1);
    leader.raw.transferLeader(3);
    net.settle();
    assertThat(leader.status().leadTransferee()).isEqualTo(3);
    leader.raw.applyConfChange(
        ConfChangeV2.newBuilder()
            .addChanges(
                ConfChangeSingle.newBuilder().setType(ConfChangeType.ADD_LEARNER_NODE).setNodeId(3))
            .build());
    assertThat(leader.status().leadTransferee()).isZero();
    assertThat(leader.status().confState().getLearnersList()).containsExactly(3L);
    net.propose(1, "b");
    assertThat(leader.appliedData()).containsExactly("a", "b");
  }

  // Proposals forwarded to a leader mid-transfer are held (etcd drops them) and reach the new
  // leader once it is known: a graceful hand-off loses no write in flight.
  @Test
  void proposalsForwardedDuringATransferReachTheNewLeaderOnce() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "a");
    net.recover();
    TestNode n1 = net.node(1);
    n1.raw.transferLeader(3);
    List<Message> catchUp = n1.drain(); // held back: the transfer stays in progress meanwhile

    net.node(2).raw.propose(bytes("in-flight"));
    net.settle();
    assertThat(n1.status().leadTransferee()).isEqualTo(3);
    assertThat(net.node(2).appliedData()).as("held, not appended").containsExactly("a");

    net.send(catchUp);
    net.settle();
    assertThat(net.leader()).isEqualTo(3);
    for (long id = 1; id <= 3; id++) {
      assertThat(net.node(id).appliedData()).as("node %d", id).containsExactly("a", "in-flight");
    }
  }

  // A transfer that times out: the leader proposes what it held itself. Its own proposals were
  // refused at once meanwhile, as before.
  @Test
  void proposalsHeldByAnAbortedTransferAreProposedByTheLeader() {
    Network net = transferStuckWithAForwardedProposal();
    TestNode n1 = net.node(1);
    assertThat(net.node(2).appliedData()).isEmpty();
    assertThatThrownBy(() -> n1.raw.propose(bytes("local")))
        .isInstanceOf(ProposalDroppedException.class);

    net.tick(1, 10);
    net.settle();
    assertThat(n1.status().leadTransferee()).isZero();
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(2).appliedData()).containsExactly("held");
  }

  // Held proposals with no leader to take them within an election timeout are dropped, not kept.
  @Test
  void heldProposalsAreDroppedAfterAnElectionTimeoutWithoutALeader() {
    Network net = transferStuckWithAForwardedProposal();
    TestNode n1 = net.node(1);
    assertThat(n1.raw.holdsForwardedProposals()).isTrue();
    // Node 1 learns of a higher term from a node it cannot follow yet: follower, no leader.
    n1.raw.step(
        Message.newBuilder()
            .setType(MessageType.MSG_REQUEST_VOTE_RESPONSE)
            .setFrom(3)
            .setTo(1)
            .setTerm(5)
            .setReject(true)
            .build());
    assertThat(n1.status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(n1.status().leaderId()).isZero();
    assertThat(n1.raw.holdsForwardedProposals()).isTrue();
    for (int i = 0; i < 10; i++) {
      n1.raw.tick();
    }
    assertThat(n1.raw.holdsForwardedProposals()).isFalse();
  }

  /** Leader 1 transfers to 3, which it cannot reach; follower 2 then forwards "held" to it. */
  private static Network transferStuckWithAForwardedProposal() {
    Network net = Network.of(3);
    net.campaign(1);
    net.cut(1, 3);
    net.node(1).raw.transferLeader(3);
    net.settle();
    net.node(2).raw.propose(bytes("held"));
    net.settle();
    return net;
  }
}
