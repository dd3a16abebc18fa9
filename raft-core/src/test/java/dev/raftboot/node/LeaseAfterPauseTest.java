package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.testkit.KvStateMachine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A leader lease is counted in ticks, and a paused process takes no ticks: once it runs again its
 * timer may wake after a lease read. The group counts the ticks its clock says are due before it
 * issues reads, so a pause ends the lease it outlasted.
 */
class LeaseAfterPauseTest {

  private static byte[] put(String key, String value) {
    return KvStateMachine.command((byte) 1, key, value, null);
  }

  @Test
  void aLeaderWhoseTimerStalledDoesNotAnswerFromTheLeaseItHeldBefore() throws Exception {
    try (LocalCluster c =
        new LocalCluster(
            3,
            0,
            LocalCluster.options(Duration.ofSeconds(2), 10_000, 100),
            LocalCluster.config(),
            KvStateMachine::new,
            true)) {
      long old = c.awaitLeader();
      RaftGroup deposed = c.groups.get(old);
      deposed.propose(put("k", "before")).get(10, TimeUnit.SECONDS);
      LocalCluster.await(
          () -> deposed.leaseBarrier().completeOnTimeout(null, 1, TimeUnit.SECONDS).isDone(),
          "a lease read on the leader");
      deposed.leaseBarrier().get(10, TimeUnit.SECONDS);

      // The leader's timer stops, as in a pause of its process; then it is cut off, and the
      // others elect a leader and write.
      CountDownLatch release = new CountDownLatch(1);
      c.timers.get(old).execute(() -> awaitQuietly(release));
      try {
        c.isolate(old);
        long next = c.awaitLeader();
        c.groups.get(next).propose(put("k", "after")).get(10, TimeUnit.SECONDS);
        assertThat(c.machines.get(old).get("k")).isEqualTo("before");

        // Its timer still stalled, the leader learns from its clock that the lease is over: it
        // steps down (the read fails) or confirms the safe way (the read waits for a quorum that
        // cannot answer). Either way, no answer from the lease.
        CompletableFuture<Void> read = deposed.leaseBarrier();
        try {
          read.get(500, TimeUnit.MILLISECONDS);
          throw new AssertionError("a read was answered from the lease the pause outlasted");
        } catch (ExecutionException | TimeoutException expected) {
          // not answered
        }
        release.countDown();
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
            .as("once the timer runs, the read fails (step-down or its deadline)")
            .isInstanceOf(ExecutionException.class);
      } finally {
        release.countDown();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
