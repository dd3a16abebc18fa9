package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real RawNodes, each on its own loop thread, talking over GrpcTransport on loopback. */
class RaftClusterOverGrpcTest {
  private static final long[] VOTERS = {1, 2, 3};

  @TempDir Path dir;
  private final List<LoopNode> nodes = new ArrayList<>();
  private final List<GrpcTransport> transports = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (LoopNode n : nodes) {
      n.stop();
    }
    transports.forEach(GrpcTransport::close);
  }

  @Test
  void electsALeaderAndCommitsAHundredProposalsOnEveryNode() {
    for (long id : VOTERS) {
      LoopNode node = new LoopNode(id, VOTERS, 20);
      nodes.add(node);
      transports.add(Grpc.started(id, dir, node, c -> {}));
    }
    for (GrpcTransport from : transports) {
      for (GrpcTransport to : transports) {
        if (from != to) {
          from.addPeer(to.localId(), Grpc.address(to));
        }
      }
    }
    for (int i = 0; i < 3; i++) {
      nodes.get(i).start(transports.get(i));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> leader().isPresent());
    List<String> expected = IntStream.range(0, 100).mapToObj(i -> "cmd-" + i).toList();
    expected.forEach(cmd -> leader().orElse(nodes.get(0)).propose(cmd));

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              // A proposal refused during a leadership change is proposed again to the new leader.
              for (LoopNode n : nodes) {
                String cmd;
                while ((cmd = n.droppedProposals.poll()) != null) {
                  leader().orElse(n).propose(cmd);
                }
              }
              for (LoopNode n : nodes) {
                assertThat(n.applied).containsExactlyInAnyOrderElementsOf(expected);
              }
            });
    // Every node applied the same commands in the same order.
    assertThat(nodes.get(1).applied).isEqualTo(nodes.get(0).applied);
    assertThat(nodes.get(2).applied).isEqualTo(nodes.get(0).applied);
    assertThat(transports.get(0).stats().rejected()).allSatisfy((r, n) -> assertThat(n).isZero());
  }

  private Optional<LoopNode> leader() {
    return nodes.stream().filter(LoopNode::isLeader).findFirst();
  }
}
