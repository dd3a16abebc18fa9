package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.raftboot.transport.PeerAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that refuses an operation for want of leadership names the leader: its id, and on a
 * server, where it listens, so a client can go there.
 */
class NotLeaderAddressTest {

  @Test
  void aFollowerOfARunningClusterNamesTheLeadersAddress(@TempDir Path dir) {
    try (ServerCluster c = ServerCluster.of(dir, 3, 1_000)) {
      long leader = c.awaitLeader();
      long follower = c.groups.keySet().stream().filter(id -> id != leader).findFirst().get();
      NotLeaderException e = promotionRefusedBy(c.groups.get(follower), leader);
      assertThat(e.leaderAddress()).contains(c.address(leader));
      assertThat(e.getMessage()).contains("node " + leader + " at " + c.address(leader));
    }
  }

  @Test
  void withoutAServerOnlyTheLeadersIdIsKnown() {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      NotLeaderException e = promotionRefusedBy(c.groups.get(c.someFollower(leader)), leader);
      assertThat(e.leaderAddress()).isEmpty();
    }
  }

  /** What a follower that knows {@code leader} answers when asked to promote a learner. */
  private static NotLeaderException promotionRefusedBy(RaftGroup follower, long leader) {
    LocalCluster.await(
        () -> follower.status().leaderId() == leader, "the follower to know the leader");
    Throwable failure = catchThrowable(() -> follower.promote(9).get(20, TimeUnit.SECONDS));
    assertThat(failure).cause().isInstanceOf(NotLeaderException.class);
    NotLeaderException e = (NotLeaderException) failure.getCause();
    assertThat(e.leaderId()).isEqualTo(leader);
    return e;
  }

  @Test
  void noLeaderMeansNoAddress() {
    NotLeaderException e = new NotLeaderException("g", 0, new PeerAddress("h", 1), "why");
    assertThat(e.leaderAddress()).isEmpty();
    assertThat(e.getMessage()).endsWith("no leader is known");
  }
}
