package dev.raftboot.core;

import static dev.raftboot.core.Msgs.app;
import static dev.raftboot.core.Msgs.heartbeat;
import static dev.raftboot.core.Msgs.msg;
import static dev.raftboot.core.Msgs.preVote;
import static dev.raftboot.core.Msgs.single;
import static dev.raftboot.core.Msgs.vote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Leader election: §5.2 of the Raft paper, pre-vote and check-quorum of the thesis. */
class ElectionTest {

  @Test
  void singleNodeElectsItselfAndCommitsItsEmptyEntry() {
    Network net = Network.of(1);
    net.campaign(1);
    Status st = net.node(1).status();
    assertThat(st.role()).isEqualTo(StateRole.LEADER);
    assertThat(st.term()).isEqualTo(1);
    assertThat(st.commit()).isEqualTo(1);
    assertThat(net.node(1).applied).hasSize(1);
  }

  @Test
  void candidateWithMajorityOfVotesBecomesLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    assertThat(net.leader()).isEqualTo(1);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.status().term()).isEqualTo(1);
      assertThat(n.status().leaderId()).isEqualTo(1);
      // The new leader's empty entry is committed and applied everywhere.
      assertThat(n.status().commit()).isEqualTo(1);
    }
  }

  @Test
  void electionTimesOutWithinRandomizedBounds() {
    Network net = Network.of(3);
    TestNode n = net.node(1);
    int ticks = 0;
    while (n.status().role() == StateRole.FOLLOWER) {
      n.raw.tick();
      ticks++;
      n.drain();
    }
    assertThat(ticks).isBetween(10, 19);
  }

  @Test
  void aNodeVotesOncePerTerm() {
    Network net = Network.of(3);
    net.isolate(1);
    net.campaign(2);
    // 2 is leader at term 1 with 3's vote. A competing candidate at term 1 gets no vote.
    TestNode n3 = net.node(3);
    n3.raw.step(
        Message.newBuilder()
            .setType(MessageType.MSG_REQUEST_VOTE)
            .setFrom(1)
            .setTo(3)
            .setTerm(1)
            .setIndex(5)
            .setLogTerm(1)
            .build());
    Message resp = n3.drain().get(0);
    assertThat(resp.getType()).isEqualTo(MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(resp.getReject()).isTrue();
  }

  // §5.1: a node that sees a higher term adopts it and becomes a follower (a leader steps down).
  @Test
  void higherTermMakesLeaderAFollowerOfThatTerm() {
    Network net = Network.of(3);
    net.campaign(1);
    TestNode n1 = net.node(1);
    n1.step(heartbeat(2, 1, 5, 0));
    assertThat(n1.status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(n1.status().term()).isEqualTo(5);
    assertThat(n1.status().leaderId()).isEqualTo(2);
    assertThat(n1.status().vote()).isZero();
  }

  // §5.1: a vote request of a higher term makes the node a follower of that term, leader unknown.
  @Test
  void higherTermVoteRequestMakesFollowerWithoutLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    TestNode n2 = net.node(2);
    List<Message> out = n2.step(vote(3, 2, 3, 1, 1));
    assertThat(n2.status().term()).isEqualTo(3);
    assertThat(n2.status().leaderId()).isZero();
    assertThat(n2.status().vote()).isEqualTo(3);
    assertThat(single(out, MessageType.MSG_REQUEST_VOTE_RESPONSE).getReject()).isFalse();
  }

  // §5.1: a request with a stale term is rejected; etcd drops stale MsgApp without check-quorum.
  @Test
  void staleTermMessagesAreIgnored() {
    TestNode n2 = Network.of(3).node(2);
    n2.step(heartbeat(1, 2, 3, 0));
    assertThat(n2.status().term()).isEqualTo(3);

    assertThat(n2.step(app(3, 2, 2, 0, 0, 0, TestNode.entries(1, 2)))).isEmpty();
    assertThat(n2.step(heartbeat(3, 2, 2, 0))).isEmpty();
    assertThat(n2.step(vote(3, 2, 2, 10, 2))).isEmpty();
    assertThat(n2.status().term()).isEqualTo(3);
    assertThat(n2.status().leaderId()).isEqualTo(1);
    assertThat(n2.status().lastIndex()).isZero();
  }

  // etcd raft.go Step: with check-quorum or pre-vote a stale MsgApp/MsgHeartbeat is answered with
  // a MsgAppResp of the current term, so a leader stranded by a partition learns it was deposed.
  @ParameterizedTest
  @CsvSource({"true,false", "false,true", "true,true"})
  void staleAppendIsAnsweredWithCurrentTermWhenCheckQuorumOrPreVote(
      boolean checkQuorum, boolean preVote) {
    TestNode n2 =
        Network.of(3, Network.defaults().checkQuorum(checkQuorum).preVote(preVote)).node(2);
    n2.step(heartbeat(1, 2, 3, 0));

    for (Message stale :
        List.of(app(3, 2, 2, 0, 0, 0, TestNode.entries(1, 2)), heartbeat(3, 2, 2, 0))) {
      Message resp = single(n2.step(stale), MessageType.MSG_APPEND_RESPONSE);
      assertThat(resp.getTo()).isEqualTo(3);
      assertThat(resp.getTerm()).isEqualTo(3);
      assertThat(resp.getReject()).isFalse();
    }
    assertThat(n2.status().lastIndex()).isZero();
    assertThat(n2.status().leaderId()).isEqualTo(1);
  }

  // etcd raft.go Step: a stale pre-vote is rejected explicitly, carrying the current term.
  @Test
  void stalePreVoteIsRejectedWithCurrentTerm() {
    TestNode n2 = Network.of(3, Network.defaults().preVote(true)).node(2);
    n2.step(heartbeat(1, 2, 3, 0));
    Message resp =
        single(n2.step(preVote(3, 2, 2, 10, 2)), MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE);
    assertThat(resp.getReject()).isTrue();
    assertThat(resp.getTerm()).isEqualTo(3);
    assertThat(n2.status().term()).isEqualTo(3);
  }

  // §5.2 and Figure 2 (persistent votedFor): a vote survives a restart; no second vote in a term.
  @Test
  void voteIsPersistedSoARestartedNodeDoesNotVoteTwiceInATerm() {
    Network net = Network.of(3);
    TestNode n3 = net.node(3);
    assertThat(single(n3.step(vote(2, 3, 1, 0, 0)), MessageType.MSG_REQUEST_VOTE_RESPONSE))
        .extracting(Message::getReject)
        .isEqualTo(false);
    assertThat(n3.storage.hardState().getVote()).isEqualTo(2);

    n3.restart();
    assertThat(n3.status().term()).isEqualTo(1);
    assertThat(n3.status().vote()).isEqualTo(2);
    Message other = single(n3.step(vote(1, 3, 1, 0, 0)), MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(other.getReject()).isTrue();
    // A repeated request from the candidate it voted for is granted again (lost response).
    Message again = single(n3.step(vote(2, 3, 1, 0, 0)), MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(again.getReject()).isFalse();
  }

  // §5.2: a candidate votes for itself; restarted mid-election it still holds that vote.
  @Test
  void candidateRestartedMidElectionKeepsItsSelfVote() {
    Network net = Network.of(3);
    TestNode n1 = net.node(1);
    n1.raw.campaign();
    n1.drain(); // persisted term 1, vote 1; its requests are lost
    n1.restart();
    assertThat(n1.status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(n1.status().term()).isEqualTo(1);
    assertThat(n1.status().vote()).isEqualTo(1);
    Message resp = single(n1.step(vote(2, 1, 1, 0, 0)), MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(resp.getReject()).isTrue();
  }

  // §5.4.1: a vote is granted only to a candidate whose log is at least as up to date.
  @ParameterizedTest(name = "candidate last (term {0}, index {1}) granted={2}")
  @CsvSource({
    "3,1,true", // higher last term wins whatever the length
    "2,3,true", // same last term, same length
    "2,4,true", // same last term, longer
    "2,2,false", // same last term, shorter
    "1,10,false", // lower last term loses whatever the length
    "0,0,false"
  })
  void voteIsGrantedOnlyToUpToDateCandidate(long lastTerm, long lastIndex, boolean granted) {
    TestNode voter =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 2},
            HardState.newBuilder().setTerm(2).build());
    Message resp =
        single(
            voter.step(vote(1, 2, 3, lastIndex, lastTerm)), MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(resp.getReject()).isEqualTo(!granted);
    assertThat(voter.status().vote()).isEqualTo(granted ? 1 : 0);
  }

  // §5.2 split votes (etcd TestDuelingCandidates): without pre-vote a stale candidate bumps every
  // term and deposes the leader, but cannot win; a node with the committed entry leads next.
  @Test
  void duelingCandidatesWithoutPreVote() {
    Network net = Network.of(3);
    net.cut(1, 3);
    net.campaign(1);
    net.campaign(3);
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(3).status().role()).isEqualTo(StateRole.CANDIDATE);
    assertThat(net.node(3).status().term()).isEqualTo(1);

    net.recover();
    net.campaign(3);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.status().role()).as("node %d", n.id()).isEqualTo(StateRole.FOLLOWER);
      assertThat(n.status().term()).as("node %d", n.id()).isEqualTo(2);
    }
    assertThat(net.node(1).status().commit()).isEqualTo(1);
    assertThat(net.node(3).status().lastIndex()).isZero();

    for (int i = 0; i < 100 && net.leader() == 0; i++) {
      net.tickAll(1);
    }
    assertThat(net.leader()).isIn(1L, 2L);
    assertThat(net.node(3).status().lastIndex()).isGreaterThanOrEqualTo(1);
  }

  // Thesis §9.6 (etcd TestDuelingPreCandidates): with pre-vote the stale candidate changes no term.
  @Test
  void duelingPreCandidatesDoNotDisruptTheLeader() {
    Network net = Network.of(3, Network.defaults().preVote(true));
    net.cut(1, 3);
    net.campaign(1);
    net.campaign(3);
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(3).status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(net.node(3).status().term()).isEqualTo(1);

    net.recover();
    net.campaign(3);
    assertThat(net.leader()).isEqualTo(1);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.status().term()).as("node %d", n.id()).isEqualTo(1);
    }
  }

  // Thesis §9.6: a partitioned node with pre-vote does not inflate its term, and on rejoining it
  // does not depose the leader.
  @Test
  void preVoteKeepsPartitionedNodeFromInflatingItsTermAndDisruptingOnRejoin() {
    Network net = Network.of(3, Network.defaults().preVote(true));
    net.campaign(1);
    net.isolate(3);
    net.tick(3, 100);
    assertThat(net.node(3).status().term()).isEqualTo(1);
    assertThat(net.node(3).status().role()).isIn(StateRole.FOLLOWER, StateRole.PRE_CANDIDATE);

    net.recover();
    net.tick(1, 1); // a heartbeat
    assertThat(net.leader()).isEqualTo(1);
    assertThat(net.node(3).status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(net.node(3).status().leaderId()).isEqualTo(1);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.status().term()).as("node %d", n.id()).isEqualTo(1);
    }
  }

  // Thesis §9.6, the problem pre-vote solves: without it the rejoining node deposes the leader.
  @Test
  void withoutPreVoteARejoiningPartitionedNodeDisruptsTheLeader() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    net.tick(3, 100);
    long inflated = net.node(3).status().term();
    assertThat(inflated).isGreaterThan(1);

    net.recover();
    net.tick(3, 30);
    assertThat(net.node(1).status().term()).isGreaterThanOrEqualTo(inflated);
  }

  // Thesis §6.2 check-quorum: a leader that hears from no quorum for an election timeout steps
  // down.
  @Test
  void checkQuorumLeaderWithoutQuorumStepsDown() {
    Network net = Network.of(3, Network.defaults().checkQuorum(true));
    net.campaign(1);
    net.tick(1, 20);
    assertThat(net.node(1).status().role()).as("connected leader").isEqualTo(StateRole.LEADER);

    net.isolate(1);
    net.tick(1, 20); // at most two check rounds: the first may count activity before the cut
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(net.node(1).status().term()).isEqualTo(1);
    assertThat(net.node(1).status().leaderId()).isZero();
  }

  // Thesis §4.2.3 (etcd TestLeaderElectionWithCheckQuorum): a follower that heard from its leader
  // within the election timeout ignores vote requests of a higher term.
  @Test
  void followerInLeaseIgnoresVoteRequests() {
    Network net = Network.of(3, Network.defaults().checkQuorum(true));
    net.campaign(1);
    TestNode n2 = net.node(2);
    assertThat(n2.step(vote(3, 2, 2, 1, 1))).isEmpty();
    assertThat(n2.step(preVote(3, 2, 2, 1, 1))).isEmpty();
    assertThat(n2.status().term()).isEqualTo(1);
    assertThat(n2.status().leaderId()).isEqualTo(1);
  }

  // etcd raft.go Step: a vote request of a leadership transfer (campaign-transfer context) bypasses
  // the lease.
  @Test
  void followerInLeaseGrantsTransferCampaignVote() {
    Network net = Network.of(3, Network.defaults().checkQuorum(true));
    net.campaign(1);
    TestNode n2 = net.node(2);
    Message transferVote =
        vote(3, 2, 2, 1, 1).toBuilder().setContext(Raft.CAMPAIGN_TRANSFER).build();
    Message resp = single(n2.step(transferVote), MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(resp.getReject()).isFalse();
    assertThat(n2.status().term()).isEqualTo(2);

    // End to end: a transfer under check-quorum elects the transferee.
    Network net2 = Network.of(3, Network.defaults().checkQuorum(true).preVote(true));
    net2.campaign(1);
    net2.node(1).raw.transferLeader(3);
    net2.settle();
    assertThat(net2.leader()).isEqualTo(3);
  }

  // §5.4.2 / thesis §3.6.2: a new leader appends an empty entry of its term.
  @Test
  void newLeaderAppendsAnEmptyEntryOfItsTerm() {
    Network net = Network.of(3);
    net.campaign(1);
    net.campaign(2);
    for (TestNode n : net.nodes.values()) {
      List<Entry> log = n.log();
      assertThat(log).hasSize(2);
      Entry last = log.get(1);
      assertThat(last.getTerm()).isEqualTo(2);
      assertThat(last.getIndex()).isEqualTo(2);
      assertThat(last.getType()).isEqualTo(EntryType.ENTRY_NORMAL);
      assertThat(last.getData().isEmpty()).isTrue();
    }
  }

  // §5.2: a candidate that hears from a leader of its own term steps down.
  @Test
  void candidateStepsDownOnAppendFromLeaderOfSameTerm() {
    TestNode n1 = Network.of(3).node(1);
    n1.raw.campaign();
    n1.drain();
    assertThat(n1.status().role()).isEqualTo(StateRole.CANDIDATE);
    n1.step(app(2, 1, 1, 0, 0, 0, List.of()));
    assertThat(n1.status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(n1.status().leaderId()).isEqualTo(2);
    assertThat(n1.status().term()).isEqualTo(1);
  }

  // Thesis §4.2.1 / etcd promotable(): learners never campaign, not even on MsgTimeoutNow.
  @Test
  void learnerNeverCampaigns() {
    Network net = Network.withLearners(3, new long[] {4}, Network.defaults());
    TestNode n4 = net.node(4);
    for (int i = 0; i < 100; i++) {
      n4.raw.tick();
      assertThat(n4.drain()).isEmpty();
    }
    n4.raw.campaign();
    n4.step(msg(MessageType.MSG_TIMEOUT_NOW, 1, 4, 0).build());
    assertThat(n4.status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(n4.status().term()).isZero();
  }

  // etcd promotable(): a node outside the configuration never campaigns.
  @Test
  void nodeOutsideTheConfigurationNeverCampaigns() {
    TestNode n4 = TestNode.of(4, new long[] {1, 2, 3}, Network.defaults());
    for (int i = 0; i < 100; i++) {
      n4.raw.tick();
      assertThat(n4.drain()).isEmpty();
    }
    n4.raw.campaign();
    assertThat(n4.drain()).isEmpty();
    assertThat(n4.status().role()).isEqualTo(StateRole.FOLLOWER);
    assertThat(n4.status().term()).isZero();
  }

  // Thesis §9.6: with pre-vote, a healthy cluster still elects a leader, in term 1.
  @Test
  void preVoteElectionSucceedsWithoutWastingATerm() {
    Network net = Network.of(3, Network.defaults().preVote(true).checkQuorum(true));
    net.campaign(2);
    assertThat(net.leader()).isEqualTo(2);
    assertThat(net.node(2).status().term()).isEqualTo(1);
  }
}
