package dev.raftboot.core;

import static dev.raftboot.core.Msgs.bytes;
import static dev.raftboot.core.Msgs.ofType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.ConfChangeTransition;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Linearizable reads without log writes: thesis §6.4 (ReadIndex) and §6.4.1 (leases). */
class ReadIndexTest {

  // Thesis §6.4 (SAFE): the leader records its commit index, confirms leadership with a heartbeat
  // round carrying the request context, then answers with a ReadState.
  @Test
  void safeReadIsAnsweredAfterAHeartbeatRound() {
    Network net = Network.of(3);
    net.campaign(1);
    net.propose(1, "a");
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("r1"));
    List<Message> out = n1.drain();
    assertThat(n1.readStates).isEmpty();
    List<Message> hbs = ofType(out, MessageType.MSG_HEARTBEAT);
    assertThat(hbs).hasSize(2);
    assertThat(hbs).allSatisfy(m -> assertThat(m.getContext().toStringUtf8()).isEqualTo("r1"));
    net.send(out);
    assertThat(n1.readStates).containsExactly(new ReadState(2, bytes("r1")));
  }

  // etcd readOnly: a read whose heartbeat round got no quorum is answered by a later round.
  @Test
  void pendingSafeReadIsAnsweredByALaterHeartbeatRound() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(1);
    net.node(1).raw.readIndex(bytes("late"));
    net.settle();
    assertThat(net.node(1).readStates).isEmpty();
    net.recover();
    net.tick(1, 1);
    assertThat(net.node(1).readStates).containsExactly(new ReadState(1, bytes("late")));
  }

  // Thesis §6.4.1 (LEASE_BASED): with check-quorum the leader answers from its lease, without a
  // heartbeat round, once a quorum has answered a heartbeat.
  @Test
  void leaseBasedReadIsAnsweredAtOnce() {
    Network net = leaseCluster();
    net.tick(1, 1);
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("lease"));
    List<Message> out = n1.drain();
    assertThat(ofType(out, MessageType.MSG_HEARTBEAT)).isEmpty();
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("lease")));
  }

  // A lease read asked for by one request, on a SAFE group with check-quorum: answered from the
  // lease, from a follower too (the flag travels with the forwarded request), while other reads
  // keep their heartbeat round.
  @Test
  void perRequestLeaseReadIsAnsweredWithoutAHeartbeatRound() {
    Network net = Network.of(3, Network.defaults().checkQuorum(true));
    net.campaign(1);
    net.tick(1, 1);
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("lease"), true);
    assertThat(ofType(n1.drain(), MessageType.MSG_HEARTBEAT)).isEmpty();
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("lease")));

    TestNode n2 = net.node(2);
    n2.raw.readIndex(bytes("follower-lease"), true);
    net.settle();
    assertThat(n2.readStates).containsExactly(new ReadState(1, bytes("follower-lease")));

    n1.readStates.clear();
    n1.raw.readIndex(bytes("safe"));
    List<Message> out = n1.drain();
    assertThat(ofType(out, MessageType.MSG_HEARTBEAT)).hasSize(2);
    assertThat(n1.readStates).isEmpty();
    net.send(out);
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("safe")));
  }

  // Without check-quorum a leader cannot know its lease is sound: a lease request is confirmed the
  // safe way.
  @Test
  void leaseReadWithoutCheckQuorumFallsBackToAHeartbeatRound() {
    Network net = Network.of(3);
    net.campaign(1);
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("lease"), true);
    List<Message> out = n1.drain();
    assertThat(ofType(out, MessageType.MSG_HEARTBEAT)).hasSize(2);
    assertThat(n1.readStates).isEmpty();
    net.send(out);
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("lease")));
  }

  // Thesis §6.4 step 1: a new leader does not know the latest commit index until it commits an
  // entry of its own term, so it holds reads until then.
  @Test
  void newLeaderDefersReadsUntilItCommitsAnEntryOfItsTerm() {
    Network net = Network.of(3);
    net.intercept(m -> m.getType() == MessageType.MSG_APPEND_RESPONSE);
    net.campaign(1);
    TestNode n1 = net.node(1);
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    assertThat(n1.status().commit()).isZero();
    n1.raw.readIndex(bytes("early"));
    List<Message> out = n1.drain();
    assertThat(ofType(out, MessageType.MSG_HEARTBEAT)).isEmpty();
    net.send(out);
    assertThat(n1.readStates).isEmpty();

    net.recover();
    net.tick(1, 1);
    assertThat(n1.status().commit()).isEqualTo(1);
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("early")));
  }

  // etcd stepFollower MsgReadIndex: a follower forwards the read to its leader and gets the read
  // index back in a MsgReadIndexResp.
  @Test
  void followerReadIsForwardedToTheLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    net.propose(1, "a");
    net.node(2).raw.readIndex(bytes("f"));
    net.settle();
    assertThat(net.deliveredOf(MessageType.MSG_READ_INDEX, 2, 1)).hasSize(1);
    assertThat(net.deliveredOf(MessageType.MSG_READ_INDEX_RESP, 1, 2)).hasSize(1);
    assertThat(net.node(2).readStates).containsExactly(new ReadState(2, bytes("f")));
    assertThat(net.node(1).readStates).isEmpty();
  }

  // Thesis §4.2.1 / etcd: a learner serves linearizable reads through the leader.
  @Test
  void learnerReadIsForwardedToTheLeader() {
    Network net = Network.withLearners(3, new long[] {4}, Network.defaults());
    net.campaign(1);
    net.node(4).raw.readIndex(bytes("learner"));
    net.settle();
    assertThat(net.node(4).readStates).containsExactly(new ReadState(1, bytes("learner")));
  }

  // etcd ErrProposalDropped for reads: a node that knows no leader cannot serve a read.
  @Test
  void readWithoutLeaderIsDropped() {
    Network net = Network.of(3);
    assertThatThrownBy(() -> net.node(2).raw.readIndex(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class);
  }

  // etcd TestReadOnlyForNewLeader-like ordering: several reads queued together are answered in
  // order once a heartbeat round confirms the newest.
  @Test
  void queuedSafeReadsAreAnsweredTogetherInOrder() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(1);
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("r1"));
    n1.raw.readIndex(bytes("r2"));
    net.settle();
    n1.raw.readIndex(bytes("r3"));
    net.recover();
    net.settle();
    assertThat(n1.readStates)
        .containsExactly(
            new ReadState(1, bytes("r1")),
            new ReadState(1, bytes("r2")),
            new ReadState(1, bytes("r3")));
  }

  // etcd IsSingleton: a single-voter leader answers reads at once.
  // A leader that sent MSG_TIMEOUT_NOW cannot trust its lease: the target's campaign overrides
  // the voters' lease, so it may lead (and commit) before this leader hears of it.
  @Test
  void leaseReadsGoTheSafeWayOnceALeadershipTransferHasBegun() {
    Network net = leaseCluster();
    net.intercept(m -> m.getType() == MessageType.MSG_TIMEOUT_NOW);
    TestNode n1 = net.node(1);
    n1.raw.transferLeader(2);
    net.settle();
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    n1.readStates.clear();
    n1.raw.readIndex(bytes("during"));
    List<Message> out = n1.drain();
    assertThat(ofType(out, MessageType.MSG_HEARTBEAT)).hasSize(2);
    assertThat(n1.readStates).isEmpty();
    net.send(out);
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("during")));
  }

  // A leader removed from a configuration of one voter (kept leading: stepDownOnRemoval off) is
  // not that voter: it confirms a read like any leader instead of answering at once.
  @Test
  void aLeaderThatIsNotTheOneVoterDoesNotAnswerReadsAtOnce() {
    Network net = Network.of(2, Network.defaults().stepDownOnRemoval(false));
    net.campaign(1);
    net.node(1)
        .raw
        .proposeConfChange(MembershipTest.cc(ConfChangeTransition.AUTO, MembershipTest.remove(1)));
    net.settle();
    TestNode n1 = net.node(1);
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    n1.readStates.clear();
    n1.raw.readIndex(bytes("removed"));
    n1.drain();
    assertThat(n1.readStates).isEmpty();
  }

  @Test
  void singleVoterLeaderAnswersReadsAtOnce() {
    Network net = Network.of(1);
    net.campaign(1);
    net.node(1).raw.readIndex(bytes("solo"));
    net.settle();
    assertThat(net.node(1).readStates).containsExactly(new ReadState(1, bytes("solo")));
  }

  // etcd readOnly.addRequest: a second request with a context already pending joins it; both
  // are served by the one ReadState, and the context can be used again afterwards.
  @Test
  void duplicateContextsJoinThePendingRequest() {
    Network net = Network.of(3);
    net.campaign(1);
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("same"));
    n1.raw.readIndex(bytes("same"));
    net.settle();
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("same")));
    net.propose(1, "x");
    n1.raw.readIndex(bytes("same"));
    net.settle();
    assertThat(n1.readStates)
        .containsExactly(new ReadState(1, bytes("same")), new ReadState(2, bytes("same")));
  }

  // A lone voter's commit index may trail what it had acknowledged before a crash (a commit that
  // only moves the index is written without a sync), so it too answers reads only once it has
  // committed an entry of its term; then it answers without a round.
  @Test
  void singleVoterLeaderHoldsReadsUntilItCommitsAnEntryOfItsTerm() {
    TestNode n1 = TestNode.of(1, new long[] {1}, Network.defaults());
    n1.raw.campaign();
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    assertThat(n1.status().commit()).isZero();
    n1.raw.readIndex(bytes("early"));
    n1.drain();
    assertThat(n1.status().commit()).isEqualTo(1);
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("early")));
  }

  // Reads held until a new leader's first commit are released whatever commits it: here a
  // configuration switch, whose smaller quorum commits the leader's entry.
  @Test
  void heldReadsAreReleasedWhenAConfigurationSwitchCommitsTheLeadersFirstEntry() {
    Network net = Network.of(4);
    net.intercept(m -> m.getType() == MessageType.MSG_APPEND_RESPONSE && m.getFrom() >= 3);
    net.campaign(1);
    TestNode n1 = net.node(1);
    assertThat(n1.status().commit()).isZero();
    n1.raw.readIndex(bytes("early"));
    net.settle();
    assertThat(n1.readStates).isEmpty();

    n1.raw.applyConfChange(MembershipTest.cc(ConfChangeTransition.AUTO, MembershipTest.remove(4)));
    net.settle();
    assertThat(n1.status().commit()).isEqualTo(1);
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("early")));
  }

  // A read round's acknowledgements are counted again after a configuration switch: those it has
  // may already be a quorum of the new voters, and no more may come.
  @Test
  void pendingReadRoundsAreRecountedAfterAConfigurationSwitch() {
    Network net = Network.of(2);
    net.campaign(1);
    net.isolate(1);
    TestNode n1 = net.node(1);
    n1.raw.readIndex(bytes("r"));
    net.settle();
    assertThat(n1.readStates).isEmpty();

    n1.raw.applyConfChange(MembershipTest.cc(ConfChangeTransition.AUTO, MembershipTest.remove(2)));
    net.settle();
    assertThat(n1.readStates).containsExactly(new ReadState(1, bytes("r")));
  }

  private static final int DEFAULT_MARGIN = RaftConfig.builder().id(1).build().leaseMarginTicks();

  private static Network leaseCluster() {
    return leaseCluster(DEFAULT_MARGIN);
  }

  private static Network leaseCluster(int marginTicks) {
    Network net =
        Network.of(
            3,
            Network.defaults()
                .checkQuorum(true)
                .readOnlyOption(ReadOnlyOption.LEASE_BASED)
                .leaseMarginTicks(marginTicks));
    net.campaign(1);
    return net;
  }

  /** Whether a lease read on node 1 is answered at once, without a heartbeat round. */
  private static boolean answeredFromLease(TestNode n1, String ctx) {
    n1.readStates.clear();
    n1.raw.readIndex(bytes(ctx));
    List<Message> out = n1.drain();
    return !n1.readStates.isEmpty() && ofType(out, MessageType.MSG_HEARTBEAT).isEmpty();
  }

  // A new leader has no lease until a quorum has answered one of its heartbeats: the votes it got
  // do not stop those voters from voting again for a later term.
  @Test
  void aNewLeaderHasNoLeaseBeforeAQuorumAnswersAHeartbeat() {
    Network net = leaseCluster();
    assertThat(answeredFromLease(net.node(1), "first")).isFalse();
    net.settle();
    net.tick(1, 1);
    assertThat(answeredFromLease(net.node(1), "second")).isTrue();
  }

  // Thesis §6.4.1: the lease ends an election timeout (less the margin) after the newest heartbeat
  // a quorum answered, even while the leader still leads (its check-quorum has not come round).
  // The margin is configured: a wider one ends the lease sooner.
  @ParameterizedTest(name = "margin {0} ticks")
  @ValueSource(ints = {2, 5})
  void theLeaseEndsAnElectionTimeoutLessTheMarginAfterTheNewestAnsweredHeartbeat(int margin) {
    Network net = leaseCluster(margin);
    net.tick(1, 1);
    net.isolate(1);
    TestNode n1 = net.node(1);
    int lasting = 10 - margin - 1;
    net.tick(1, lasting);
    assertThat(answeredFromLease(n1, "last")).isTrue();
    net.tick(1, 1);
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    assertThat(answeredFromLease(n1, "expired")).isFalse();
  }

  // The lease counts from when a heartbeat was sent, not from when its answer came: a voter's
  // timer started when the heartbeat reached it.
  @Test
  void aLateAnswerDoesNotExtendTheLease() {
    Network net = leaseCluster();
    TestNode n1 = net.node(1);
    net.settle();
    n1.raw.tick();
    List<Message> answers = new java.util.ArrayList<>();
    for (Message hb : ofType(n1.drain(), MessageType.MSG_HEARTBEAT)) {
      answers.addAll(net.node(hb.getTo()).step(hb));
    }
    assertThat(answers).isNotEmpty();
    net.isolate(1);
    net.tick(1, 10 - DEFAULT_MARGIN);
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    answers.forEach(n1.raw::step);
    n1.drain();
    assertThat(answeredFromLease(n1, "late")).isFalse();
  }

  // A group's first start persists its bootstrap term, yet its voters have heard from no leader:
  // started fresh they vote at once; the same state read back after a restart refuses votes.
  @ParameterizedTest(name = "fresh start {0}")
  @ValueSource(booleans = {true, false})
  void votersOfAFreshlyBootstrappedGroupVoteAtOnce(boolean fresh) {
    ConfState voters = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
    TestNode[] nodes = new TestNode[3];
    for (int i = 0; i < 3; i++) {
      MemoryLogStorage storage = new MemoryLogStorage(voters);
      storage.setHardState(HardState.newBuilder().setTerm(1).build());
      RaftConfig config = Network.defaults().checkQuorum(true).id(i + 1).freshStart(fresh).build();
      nodes[i] = new TestNode(config, storage);
    }
    Network net = Network.of(nodes);
    net.campaign(1);
    assertThat(net.node(1).status().role() == StateRole.LEADER).isEqualTo(fresh);
  }

  // A voter forgets on restart that it heard from a leader, so it refuses votes for its first
  // election timeout: otherwise it could elect a new leader within the lease it helped grant.
  @Test
  void aRestartedVoterRefusesVotesForAnElectionTimeout() {
    Network net = leaseCluster();
    net.tick(1, 1);
    net.isolate(1);
    TestNode n3 = net.node(3);
    n3.restart();
    net.campaign(2);
    assertThat(net.node(2).status().role()).isNotEqualTo(StateRole.LEADER);

    for (int i = 0; i < 10; i++) {
      n3.raw.tick();
      n3.drain();
    }
    net.campaign(2);
    net.campaign(2);
    assertThat(net.node(2).status().role()).isEqualTo(StateRole.LEADER);
  }
}
