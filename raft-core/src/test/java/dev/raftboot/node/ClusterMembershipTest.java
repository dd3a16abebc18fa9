package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.ConfState;
import dev.raftboot.transport.RejectReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes joining, leaving and replacing members of a cluster of real servers on loopback. */
class ClusterMembershipTest {

  private static ConfState await(java.util.concurrent.CompletableFuture<ConfState> f)
      throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aNewNodeJoinsWithNoConfigurationCatchesUpFromTheLogAndIsPromoted(@TempDir Path dir)
      throws Exception {
    try (ServerCluster c = ServerCluster.of(dir, 3, 100_000)) {
      c.write(0, 30);
      c.startJoining(4);
      // Knowing no peer and no member, it waits: no election, no leader.
      assertThat(c.groups.get(4L).status().confState()).isEqualTo(ConfState.getDefaultInstance());

      ConfState learnerAdded = await(c.leader().addLearner(4, c.address(4)));
      assertThat(learnerAdded.getLearnersList()).containsExactly(4L);
      // The leader's log starts with the bootstrap entries: the new node rebuilds the whole
      // configuration from them, not only the change that added it.
      c.awaitContents(4, 30);
      LocalCluster.await(
          () -> c.groups.get(4L).status().confState().getVotersCount() == 3, "config on node 4");

      ConfState promoted = await(c.leader().promote(4));
      assertThat(promoted.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
      c.write(30, 40);
      c.awaitContents(4, 40);
      // Every server reaches node 4: it learned the address from the change it applied.
      for (long id = 1; id <= 3; id++) {
        assertThat(c.servers.get(id).membershipDirectory().addresses()).containsKey(4L);
      }
    }
  }

  @Test
  void aNodeJoiningAfterCompactionCatchesUpFromASnapshot(@TempDir Path dir) throws Exception {
    try (ServerCluster c = ServerCluster.of(dir, 3, 20)) {
      c.write(0, 60);
      LocalCluster.await(
          () -> c.leader().status().lastIndex() > 0 && c.groups.get(1L).appliedIndex() > 25,
          "a snapshot");
      c.startJoining(4);
      await(c.leader().addLearner(4, c.address(4)));
      c.awaitContents(4, 60);
      assertThat(c.servers.get(4L).transportStats().snapshotsReceived()).isPositive();
      await(c.leader().promote(4));
      LocalCluster.await(
          () -> c.groups.get(4L).status().confState().getVotersCount() == 4, "config on node 4");
    }
  }

  @Test
  void replaceSwapsAVoterInOneJointChange(@TempDir Path dir) throws Exception {
    try (ServerCluster c = ServerCluster.of(dir, 3, 100_000)) {
      c.write(0, 10);
      long leader = c.awaitLeader();
      long old = leader == 3 ? 2 : 3;
      c.startJoining(4);
      ConfState after = await(c.groups.get(leader).replace(old, 4, c.address(4)));
      assertThat(after.getVotersList()).contains(4L).doesNotContain(old);
      assertThat(after.getVotersOutgoingList()).isEmpty();
      c.stop(old, Duration.ZERO);
      c.write(10, 20);
      c.awaitContents(4, 20);
    }
  }

  @Test
  void joinsOfAnotherClusterAReusedIdOrAWrongIdAreRefusedAndEveryoneKeepsServing(@TempDir Path dir)
      throws Exception {
    try (ServerCluster c = ServerCluster.of(dir, 3, 100_000)) {
      c.write(0, 5);
      // A node of another cluster.
      c.start(6, "another-cluster", Map.of(), ConfState.getDefaultInstance());
      assertThatThrownBy(() -> await(c.leader().addLearner(6, c.address(6))))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              JoinRejectedException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(JoinRejectedException.Reason.CLUSTER_ID_MISMATCH));
      assertThat(c.servers.get(6L).transportStats().rejected(RejectReason.CLUSTER_ID_MISMATCH))
          .isPositive();

      // A node of this cluster asked to join under another id.
      c.startJoining(7);
      assertThatThrownBy(() -> await(c.leader().addLearner(8, c.address(7))))
          .cause()
          .isInstanceOfSatisfying(
              JoinRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(JoinRejectedException.Reason.NODE_ID_MISMATCH));

      // An id removed before never joins again.
      long leader = c.awaitLeader();
      long removed = leader == 3 ? 2 : 3;
      await(c.groups.get(leader).removeMember(removed));
      c.stop(removed, Duration.ZERO);
      c.startJoining(removed == 3 ? 3 : 2);
      assertThatThrownBy(() -> await(c.leader().addLearner(removed, c.address(removed))))
          .cause()
          .isInstanceOfSatisfying(
              JoinRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(JoinRejectedException.Reason.REMOVED_NODE_ID));

      // Nothing was changed by the refusals; the group still commits.
      assertThat(c.leader().status().confState().getLearnersList()).isEmpty();
      c.write(5, 10);
    }
  }

  @Test
  void aLearnerThatHasNotCaughtUpIsNotPromoted(@TempDir Path dir) throws Exception {
    try (ServerCluster c =
        new ServerCluster(
            dir,
            3,
            new GroupOptions("kv", Duration.ofMillis(20), Duration.ofSeconds(2), 100_000, 5))) {
      c.write(0, 5);
      c.startJoining(4);
      await(c.leader().addLearner(4, c.address(4)));
      c.stop(4, Duration.ZERO);
      c.write(5, 10);
      assertThatThrownBy(() -> await(c.leader().promote(4)))
          .cause()
          .isInstanceOf(LearnerNotCaughtUpException.class);
      assertThat(c.leader().status().confState().getLearnersList()).containsExactly(4L);
    }
  }
}
