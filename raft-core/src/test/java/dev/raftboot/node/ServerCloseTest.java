package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What closing a server does to the work still queued behind a busy state machine. */
class ServerCloseTest {
  @TempDir Path dir;

  @Test
  void aReadWaitingForTheStateMachineCompletesWhenTheServerCloses() throws Exception {
    CountDownLatch applying = new CountDownLatch(1);
    StateMachine slow =
        new StateMachine() {
          @Override
          public Object apply(long index, byte[] command) {
            applying.countDown();
            try {
              Thread.sleep(100);
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
    RaftServer server =
        RaftServer.create(
                new ServerConfig(1, "test", "127.0.0.1", 0, Map.of(), dir, 2, null), t -> {})
            .start();
    RaftGroup g =
        server.group(
            "g",
            slow,
            ConfState.newBuilder().addVoters(1).build(),
            new GroupOptions("g", Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 100),
            RaftConfig.builder().electionTick(10).heartbeatTick(1));
    LocalCluster.await(g::isLeader, "the lone voter to lead");
    for (int i = 0; i < 10; i++) {
      g.propose(("w" + i).getBytes(StandardCharsets.UTF_8));
    }
    applying.await(20, TimeUnit.SECONDS);
    // Its read index is answered at once; it then waits for the applier, about a second behind.
    CompletableFuture<Void> read = g.linearizableBarrier();
    server.close(Duration.ZERO);
    // Answered (applied) or failed (closed) by the time close returns: never left waiting.
    assertThat(read).isDone();
  }
}
