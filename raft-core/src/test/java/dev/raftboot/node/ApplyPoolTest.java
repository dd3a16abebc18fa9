package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.KvStateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State machines run on a pool of their own: one that blocks in {@code apply} holds up no group's
 * Raft loop (which sends the heartbeats), even when both pools have a single thread.
 */
class ApplyPoolTest {
  @TempDir Path dir;

  @Test
  void aStateMachineBlockedInApplyHoldsUpNoRaftLoop() throws Exception {
    CountDownLatch applying = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StateMachine blocking =
        new StateMachine() {
          @Override
          public Object apply(long index, byte[] command) {
            applying.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          }

          @Override
          public void snapshot(OutputStream out) {}

          @Override
          public void restore(InputStream in) {}
        };
    ConfState alone = ConfState.newBuilder().addVoters(1).build();
    RaftConfig.Builder raft = RaftConfig.builder().electionTick(10).heartbeatTick(1);
    try (RaftServer server =
        RaftServer.create(
                new ServerConfig(1, "test", "127.0.0.1", 0, Map.of(), dir, 1, 1, null), t -> {})
            .start()) {
      try {
        RaftGroup stuck = server.group("stuck", blocking, alone, options("stuck"), raft);
        RaftGroup other =
            server.group("other", new KvStateMachine(), alone, options("other"), raft);
        LocalCluster.await(() -> stuck.isLeader() && other.isLeader(), "both groups to lead");
        other.propose(KvStateMachine.command((byte) 1, "k", "v", null)).get(10, TimeUnit.SECONDS);

        stuck.propose(new byte[] {1});
        assertThat(applying.await(10, TimeUnit.SECONDS)).as("the state machine blocks").isTrue();

        // The other group's loop still runs: a linearizable read of what it has applied needs
        // the loop (read index, then the applied index it already has), not the applier.
        other.linearizableBarrier().get(10, TimeUnit.SECONDS);
      } finally {
        release.countDown();
      }
    }
  }

  private static GroupOptions options(String name) {
    return new GroupOptions(name, Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 100);
  }
}
