package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.core.RaftConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Client sessions: a retried request is applied at most once, on every node, across failures. */
class ClientSessionTest {
  private static final GroupOptions OPTIONS =
      new GroupOptions("sessions", Duration.ofMillis(10), Duration.ofSeconds(5), 10, 2);

  private static LocalCluster cluster(GroupOptions options) {
    return new LocalCluster(
        3,
        0,
        options,
        // 300-600 ms election timeouts: the tests assume a leader stays put unless they move it,
        // which 100 ms timeouts do not guarantee on a loaded two-core machine.
        RaftConfig.builder().electionTick(30).heartbeatTick(1).preVote(true).checkQuorum(true),
        CountingStateMachine::new);
  }

  private static Object get(CompletableFuture<?> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  private static long count(LocalCluster c, long node, String name) {
    return ((CountingStateMachine) c.stateMachines.get(node)).count(name);
  }

  /** Waits until every running node has applied what {@code node} has. */
  private static void awaitAllApplied(LocalCluster c, long node) {
    long target = c.groups.get(node).appliedIndex();
    for (long id : c.groups.keySet()) {
      LocalCluster.await(() -> c.groups.get(id).appliedIndex() >= target, "node " + id + " apply");
    }
  }

  @Test
  void aRetryAfterTheLeaderCrashesGetsTheOriginalResultAndAppliesOnce() throws Exception {
    try (LocalCluster c = cluster(OPTIONS)) {
      long leader = c.awaitLeader();
      ClientSession session = (ClientSession) get(c.groups.get(leader).openSession());
      ClientRequest pay = session.nextRequest();
      assertThat(get(c.groups.get(leader).propose(CountingStateMachine.command("pay"), pay)))
          .isEqualTo("pay#1");
      awaitAllApplied(c, leader);

      c.crash(leader);
      long next = c.awaitLeader();
      // The client never trusted the first answer and retries, on the new leader and a follower.
      assertThat(get(c.groups.get(next).propose(CountingStateMachine.command("pay"), pay)))
          .isEqualTo("pay#1");
      long follower =
          c.groups.keySet().stream()
              .filter(id -> id != leader && id != next)
              .findFirst()
              .orElseThrow();
      assertThat(get(c.groups.get(follower).propose(CountingStateMachine.command("pay"), pay)))
          .isEqualTo("pay#1");

      c.restart(leader);
      awaitAllApplied(c, next);
      for (long id : c.groups.keySet()) {
        assertThat(count(c, id, "pay")).as("applications of pay on node %d", id).isEqualTo(1);
      }
    }
  }

  @Test
  void aRequestInTheLogTwiceIsAppliedOnceAndBothCallersGetItsResult() throws Exception {
    try (LocalCluster c = cluster(OPTIONS)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      ClientSession session = (ClientSession) get(g.openSession());
      ClientRequest r = session.nextRequest();
      CompletableFuture<Object> first = g.propose(CountingStateMachine.command("x"), r);
      CompletableFuture<Object> second = g.propose(CountingStateMachine.command("x"), r);
      assertThat(get(first)).isEqualTo("x#1");
      assertThat(get(second)).isEqualTo("x#1");
      awaitAllApplied(c, leader);
      for (long id : c.groups.keySet()) {
        assertThat(count(c, id, "x")).isEqualTo(1);
      }
    }
  }

  @Test
  void aRetryAfterALeadershipTransferGetsTheOriginalResult() throws Exception {
    try (LocalCluster c = cluster(OPTIONS)) {
      long leader = c.awaitLeader();
      ClientSession session = (ClientSession) get(c.groups.get(leader).openSession());
      ClientRequest r = session.nextRequest();
      assertThat(get(c.groups.get(leader).propose(CountingStateMachine.command("t"), r)))
          .isEqualTo("t#1");
      long target = c.someFollower(leader);
      awaitAllApplied(c, leader);
      // A transfer can be abandoned (e.g. the target was slow to answer): ask again until it leads.
      LocalCluster.await(
          () -> {
            c.groups.get(leader).transferLeadership(target);
            return c.groups.get(target).isLeader();
          },
          "node " + target + " to lead");
      assertThat(get(c.groups.get(target).propose(CountingStateMachine.command("t"), r)))
          .isEqualTo("t#1");
      assertThat(get(c.groups.get(leader).propose(CountingStateMachine.command("t"), r)))
          .isEqualTo("t#1");
      awaitAllApplied(c, target);
      for (long id : c.groups.keySet()) {
        assertThat(count(c, id, "t")).isEqualTo(1);
      }
    }
  }

  @Test
  void sessionsSurviveSnapshotsAndRestartsResultsOnlyWhenSnapshotsCarryThem() throws Exception {
    try (LocalCluster c = cluster(OPTIONS)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      ClientSession session = (ClientSession) get(g.openSession());
      ClientRequest plain = session.nextRequest();
      ClientRequest opaque = session.nextRequest();
      assertThat(get(g.propose(CountingStateMachine.command("a"), plain))).isEqualTo("a#1");
      assertThat(get(g.propose(CountingStateMachine.command("opaque:b"), opaque)))
          .isEqualTo(new CountingStateMachine.Opaque("opaque:b", 1));
      // Enough entries after them that every node snapshots past both requests.
      for (int i = 0; i < 25; i++) {
        get(g.propose(CountingStateMachine.command("filler")));
      }
      awaitAllApplied(c, leader);
      long follower = c.someFollower(leader);
      // Recorded by the loop shortly after the applier wrote it.
      LocalCluster.await(
          () -> c.groups.get(follower).stats().snapshotsTaken() > 0, "a snapshot on " + follower);

      c.crash(follower);
      RaftGroup restarted = c.restart(follower);
      CountingStateMachine fresh = (CountingStateMachine) c.stateMachines.get(follower);
      LocalCluster.await(() -> fresh.count("filler") == 25, "the restarted node to catch up");
      assertThat(fresh.appliesHere())
          .as("restored from a snapshot, not replayed from the start")
          .isLessThan(27);
      // It may catch up from its own snapshot and log before it hears from the leader; a proposal
      // there before then is refused (no leader to forward to), which is not what this tests.
      LocalCluster.await(
          () -> restarted.status().leaderId() == leader, "the restarted node to know the leader");

      // The restarted node answers from its restored table: the String survived, the Opaque not.
      assertThat(get(restarted.propose(CountingStateMachine.command("a"), plain))).isEqualTo("a#1");
      assertThatThrownBy(
              () -> get(restarted.propose(CountingStateMachine.command("opaque:b"), opaque)))
          .hasCauseInstanceOf(ResultUnavailableException.class);
      // The leader never restarted: it still holds the object in memory.
      assertThat(get(g.propose(CountingStateMachine.command("opaque:b"), opaque)))
          .isEqualTo(new CountingStateMachine.Opaque("opaque:b", 1));
      awaitAllApplied(c, leader);
      for (long id : c.groups.keySet()) {
        assertThat(count(c, id, "a")).isEqualTo(1);
        assertThat(count(c, id, "opaque:b")).isEqualTo(1);
      }
    }
  }

  /**
   * A client that pipelines lost request 1 (say, in a leader change) while request 2 applied: the
   * retry of 1 applies once, and a second retry is answered with its result.
   */
  @Test
  void aPipelinedRequestOvertakenByALaterOneAppliesOnceWhenRetried() throws Exception {
    try (LocalCluster c = cluster(OPTIONS)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      ClientSession s = (ClientSession) get(g.openSession());
      ClientRequest first = s.nextRequest();
      ClientRequest second = s.nextRequest();
      assertThat(get(g.propose(CountingStateMachine.command("second"), second)))
          .isEqualTo("second#1");
      assertThat(get(g.propose(CountingStateMachine.command("first"), first))).isEqualTo("first#1");
      long follower = c.someFollower(leader);
      assertThat(get(c.groups.get(follower).propose(CountingStateMachine.command("first"), first)))
          .as("retried on a follower: answered, not applied again")
          .isEqualTo("first#1");
      awaitAllApplied(c, leader);
      for (long id : c.groups.keySet()) {
        assertThat(count(c, id, "first")).isEqualTo(1);
        assertThat(count(c, id, "second")).isEqualTo(1);
      }
    }
  }

  @Test
  void theTableIsBoundedAndRefusalsAreTyped() throws Exception {
    GroupOptions bounded = OPTIONS.withSessions(new SessionPolicy(2, Duration.ofHours(1), 2));
    try (LocalCluster c = cluster(bounded)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      ClientSession s1 = (ClientSession) get(g.openSession());
      ClientSession s2 = (ClientSession) get(g.openSession());
      ClientRequest s2r1 = s2.nextRequest();
      ClientRequest s2r2 = s2.nextRequest();
      ClientRequest s2r3 = s2.nextRequest();
      get(g.propose(CountingStateMachine.command("s2"), s2r1));
      get(g.propose(CountingStateMachine.command("s2"), s2r2));
      get(g.propose(CountingStateMachine.command("s2"), s2r3));
      // A third session evicts the least recently used one, s1.
      get(g.openSession());

      assertThatThrownBy(() -> get(g.propose(CountingStateMachine.command("s1"), s1.nextRequest())))
          .cause()
          .isInstanceOf(SessionExpiredException.class)
          .hasMessageContaining("session " + s1.clientId());
      assertThatThrownBy(
              () ->
                  get(
                      g.propose(
                          CountingStateMachine.command("never"), new ClientRequest(999_999, 1))))
          .hasCauseInstanceOf(SessionExpiredException.class);
      // Only the latest two outcomes of s2 are remembered.
      assertThat(get(g.propose(CountingStateMachine.command("s2"), s2r2))).isEqualTo("s2#2");
      assertThatThrownBy(() -> get(g.propose(CountingStateMachine.command("s2"), s2r1)))
          .cause()
          .isInstanceOf(StaleRequestException.class)
          .satisfies(e -> assertThat(((StaleRequestException) e).lastApplied()).isEqualTo(3));
      awaitAllApplied(c, leader);
      for (long id : c.groups.keySet()) {
        assertThat(count(c, id, "s1")).isZero();
        assertThat(count(c, id, "never")).isZero();
        assertThat(count(c, id, "s2")).isEqualTo(3);
      }
    }
  }

  @Test
  void badRequestsAreRefusedUpFront() {
    assertThatThrownBy(() -> new ClientRequest(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientId");
    assertThatThrownBy(() -> new ClientRequest(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sequence");
    assertThatThrownBy(() -> new SessionPolicy(0, Duration.ofMinutes(1), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSessions");
  }
}
