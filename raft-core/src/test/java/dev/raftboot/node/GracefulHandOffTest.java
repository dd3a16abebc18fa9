package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.Progress;
import dev.raftboot.core.ProgressState;
import dev.raftboot.core.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over gRPC: where a leader that stops gracefully hands its leadership. */
class GracefulHandOffTest {

  /**
   * A rolling restart: one follower was just restarted and has caught up, as far along as the
   * other. The stopping leader hands leadership to the follower it has been connected to longest,
   * not to the one that just came back (which the tie would otherwise favor: it has the lower id).
   */
  @Test
  void aStoppingLeaderHandsLeadershipToTheVoterConnectedLongest(@TempDir Path dir)
      throws Exception {
    try (ServerCluster c = ServerCluster.of(dir, 3, 1_000_000)) {
      long first = c.awaitLeader();
      List<Long> followers = c.groups.keySet().stream().filter(id -> id != first).sorted().toList();
      long restarted = followers.get(0);
      c.write(0, 20);
      c.stop(restarted, Duration.ZERO);
      c.start(restarted);
      c.write(20, 40);

      long leader = c.awaitLeader();
      assertThat(leader)
          .as("pre-vote keeps the restarted node from taking over")
          .isNotEqualTo(restarted);
      long steady =
          c.groups.keySet().stream()
              .filter(id -> id != leader && id != restarted)
              .findFirst()
              .orElseThrow();
      RaftGroup leaderGroup = c.groups.get(leader);
      LocalCluster.await(
          () -> {
            Status st = leaderGroup.status();
            Progress r = st.progress().get(restarted);
            Progress s = st.progress().get(steady);
            return r != null
                && s != null
                && r.state() == ProgressState.REPLICATE
                && s.state() == ProgressState.REPLICATE
                && r.match() == st.lastIndex()
                && s.match() == st.lastIndex();
          },
          "both followers caught up and streaming");
      assertThat(leaderGroup.peerUptimes().get(steady))
          .isGreaterThan(leaderGroup.peerUptimes().get(restarted));

      c.stop(leader, Duration.ofSeconds(5));

      assertThat(c.awaitLeader()).isEqualTo(steady);
    }
  }
}
