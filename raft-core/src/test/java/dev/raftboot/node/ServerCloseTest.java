package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.ExecutionException;
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
    RaftServer server = RaftServer.start(config());
    RaftGroup g = loneVoter(server, slow, OPTIONS);
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

  /**
   * A caller may still hold a group of a closed server: its calls return futures failed with {@link
   * GroupClosedException}, every time, instead of throwing or never completing.
   */
  @Test
  void callsOnAGroupOfAClosedServerFailWithGroupClosed() throws Exception {
    RaftServer server = RaftServer.start(config());
    RaftGroup g = loneVoter(server, new CountingStateMachine(), OPTIONS);
    server.close(Duration.ZERO);
    for (int i = 0; i < 2; i++) {
      assertFailsClosed(g.propose(new byte[] {1}));
      assertFailsClosed(g.linearizableBarrier());
      assertFailsClosed(g.transferLeadership(1));
      assertFailsClosed(g.removeMember(2));
    }
  }

  /**
   * A promotion waiting for its learner to catch up (polled on the server's timer, which a close
   * shuts down) fails with {@link GroupClosedException} when the group closes.
   */
  @Test
  void aPromotionWaitingForItsLearnerFailsWhenTheGroupCloses() throws Exception {
    try (LocalCluster c =
        new LocalCluster(
            3,
            1,
            LocalCluster.options(Duration.ofSeconds(30), 10_000, 100),
            LocalCluster.config())) {
      long leader = c.awaitLeader();
      c.groups.get(leader).propose(ServerCluster.put("k", "v")).get(10, TimeUnit.SECONDS);
      c.isolate(4);
      c.groups.get(leader).propose(ServerCluster.put("k2", "v")).get(10, TimeUnit.SECONDS);
      // The published status lags the apply by up to a loop pass: wait until it shows the learner
      // behind, or the promotion could find it caught up as of an older commit.
      RaftGroup g = c.groups.get(leader);
      LocalCluster.await(
          () -> g.status().progress().get(4L).match() < g.status().commit(), "learner 4 behind");
      CompletableFuture<ConfState> promotion = c.groups.get(leader).promote(4);
      Thread.sleep(50);
      assertThat(promotion).as("waiting for the isolated learner").isNotDone();
      c.groups.get(leader).close();
      assertFailsClosed(promotion);
    }
  }

  private static void assertFailsClosed(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(GroupClosedException.class);
  }

  /**
   * The log behind a snapshot is compacted: with the snapshot's image gone, the group cannot start,
   * and says so, naming the group, the snapshot and where its file should be.
   */
  @Test
  void aGroupWhoseLatestSnapshotImageIsMissingRefusesToStart() throws Exception {
    GroupOptions options =
        new GroupOptions("g", Duration.ofMillis(10), Duration.ofSeconds(5), 5, 0);
    try (RaftServer server = RaftServer.start(config())) {
      RaftGroup g = loneVoter(server, new CountingStateMachine(), options);
      for (int i = 0; i < 20; i++) {
        g.propose(CountingStateMachine.command("w")).get(10, TimeUnit.SECONDS);
      }
      LocalCluster.await(() -> g.stats().snapshotsTaken() > 0, "a snapshot");
    }
    try (var files = java.nio.file.Files.walk(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".snap")).toList()) {
        java.nio.file.Files.delete(f);
      }
    }
    try (RaftServer server = RaftServer.start(config())) {
      assertThatThrownBy(() -> loneVoter(server, new CountingStateMachine(), options))
          .isInstanceOf(dev.raftboot.storage.StorageException.class)
          .hasMessageContaining("group 'g' cannot start")
          .hasMessageContaining("image file is missing");
    }
  }

  private static final GroupOptions OPTIONS =
      new GroupOptions("g", Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 100);

  private ServerConfig config() {
    return new ServerConfig(1, "test", "127.0.0.1", 0, Map.of(), dir, 2, null);
  }

  /** Group "g" with this server's node as its only voter, once it leads. */
  private static RaftGroup loneVoter(
      RaftServer server, StateMachine machine, GroupOptions options) {
    RaftGroup g =
        server.group(
            "g",
            machine,
            ConfState.newBuilder().addVoters(1).build(),
            options,
            RaftConfig.builder().electionTick(10).heartbeatTick(1));
    LocalCluster.await(g::isLeader, "the lone voter to lead");
    return g;
  }
}
