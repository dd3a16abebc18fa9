package dev.raftboot.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import org.junit.jupiter.api.Test;

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
}
