package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.testkit.KvStateMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Ready that only moves the commit index ({@code mustSync} false) is written without an fsync: a
 * write then costs one sync, not two, and nothing is lost across a restart.
 */
class CommitOnlyReadyTest {
  @TempDir Path dir;

  private RaftServer start() {
    return RaftServer.create(
            new ServerConfig(1, "test", "127.0.0.1", 0, Map.of(), dir, 2, null), t -> {})
        .start();
  }

  private RaftGroup open(RaftServer server) {
    RaftGroup g =
        server.group(
            "kv",
            new KvStateMachine(),
            ConfState.newBuilder().addVoters(1).build(),
            new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 100),
            RaftConfig.builder().electionTick(10).heartbeatTick(1));
    LocalCluster.await(g::isLeader, "the single node leads");
    return g;
  }

  @Test
  void aWriteCostsOneSyncAndSurvivesARestart() throws Exception {
    int writes = 20;
    try (RaftServer server = start()) {
      RaftGroup g = open(server);
      long before = server.writeCoordinator().syncs();
      for (int i = 0; i < writes; i++) {
        g.propose(KvStateMachine.command((byte) 1, "k" + i, "v" + i, null))
            .get(5, TimeUnit.SECONDS);
      }
      long syncs = server.writeCoordinator().syncs() - before;
      // One per write (its entry); the commit that follows each needs none. Two per write
      // before: a slack of a few covers Readies that carry nothing but a commit and a vote.
      assertThat(syncs).isBetween((long) writes, writes + 3L);
    }
    try (RaftServer server = start()) {
      RaftGroup g = open(server);
      g.linearizableBarrier().get(5, TimeUnit.SECONDS);
      LocalCluster.await(() -> g.appliedIndex() >= writes, "the writes applied again");
    }
  }
}
