package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code transferLeadership} as a future: it says whether leadership moved, and why not. */
class RuntimeLeadershipTransferTest {

  @Test
  void theTargetLeadsWhenTheFutureCompletesAskedOnTheLeaderOrOnAFollower() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      long target = c.someFollower(leader);
      c.groups.get(leader).transferLeadership(target).get(10, TimeUnit.SECONDS);
      assertThat(c.groups.get(leader).status().leaderId()).isEqualTo(target);
      LocalCluster.await(() -> c.groups.get(target).isLeader(), "the target to lead");

      // Asked on a follower: forwarded to the leader, answered when the follower sees it done.
      long next = c.someFollower(target);
      long asker = 6 - target - next;
      c.groups.get(asker).transferLeadership(next).get(10, TimeUnit.SECONDS);
      assertThat(c.groups.get(asker).status().leaderId()).isEqualTo(next);
      // To the node that already leads: done at once.
      c.groups.get(asker).transferLeadership(next).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTargetThatCannotTakeOverFailsTheTransferAndTheLeaderStays() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      long target = c.someFollower(leader);
      c.isolate(target);
      assertThatThrownBy(
              () -> c.groups.get(leader).transferLeadership(target).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(LeadershipTransferException.class)
          .hasMessageContaining("did not take over within an election timeout");
      assertThat(c.groups.get(leader).isLeader()).isTrue();
    }
  }

  @Test
  void onlyAVoterCanBeTheTarget() {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      assertThatThrownBy(() -> c.groups.get(leader).transferLeadership(9).get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a voter");
    }
  }
}
