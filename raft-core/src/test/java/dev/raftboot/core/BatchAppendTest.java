package dev.raftboot.core;

import static dev.raftboot.core.Msgs.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Message batching (raft-rs batch_append): appends to one peer within a Ready coalesce. */
class BatchAppendTest {

  private static List<Message> appendsToPeer2AfterTwoProposals(boolean batch) {
    Network net = Network.of(3, Network.defaults().batchAppend(batch));
    net.campaign(1);
    TestNode leader = net.node(1);
    leader.raw.propose("a".getBytes(StandardCharsets.UTF_8));
    leader.raw.propose("b".getBytes(StandardCharsets.UTF_8));
    List<Message> out = leader.drain();
    return ofType(out, MessageType.MSG_APPEND).stream().filter(m -> m.getTo() == 2).toList();
  }

  @Test
  void withBatchingTwoProposalsTravelInOneAppend() {
    List<Message> appends = appendsToPeer2AfterTwoProposals(true);
    assertThat(appends).hasSize(1);
    assertThat(appends.get(0).getEntriesCount()).isEqualTo(2);
  }

  @Test
  void withoutBatchingEachProposalHasItsOwnAppend() {
    List<Message> appends = appendsToPeer2AfterTwoProposals(false);
    assertThat(appends).hasSize(2);
  }

  @Test
  void batchedClusterCommitsEverything() {
    Network net = Network.of(3, Network.defaults().batchAppend(true));
    net.campaign(1);
    for (int i = 0; i < 20; i++) {
      net.node(1).raw.propose(("v" + i).getBytes(StandardCharsets.UTF_8));
    }
    net.settle();
    for (TestNode n : net.nodes.values()) {
      assertThat(n.appliedData()).hasSize(20);
    }
  }
}
