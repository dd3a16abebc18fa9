package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

  private final Deadlines deadlines = new Deadlines("kv", TIMEOUT);
  private final List<Long> forgotten = new ArrayList<>();

  @Test
  void anUnansweredRequestFailsWithATimeoutOnceItsDeadlinePassedAndIsForgottenFirst() {
    CompletableFuture<Object> f = new CompletableFuture<>();
    f.whenComplete((r, e) -> assertThat(forgotten).containsExactly(7L));
    deadlines.arm(7, f, () -> forgotten.add(7L), 1_000);

    deadlines.expire(1_000 + TIMEOUT - 1);
    assertThat(f).isNotDone();
    assertThat(forgotten).isEmpty();

    deadlines.expire(1_000 + TIMEOUT);
    assertThat(f)
        .isCompletedExceptionally()
        .failsWithin(0, TimeUnit.SECONDS)
        .withThrowableOfType(Exception.class)
        .havingCause()
        .isInstanceOf(ProposalTimeoutException.class)
        .withMessageContaining("kv");
    assertThat(forgotten).containsExactly(7L);
    assertThat(deadlines.size()).isZero();
  }

  @Test
  void answeredRequestsLeaveAtTheNextCheckWithoutBeingForgottenOrFailed() {
    CompletableFuture<Object> answered = new CompletableFuture<>();
    CompletableFuture<Object> waiting = new CompletableFuture<>();
    deadlines.arm(1, answered, () -> forgotten.add(1L), 0);
    deadlines.arm(2, waiting, () -> forgotten.add(2L), 10);
    answered.complete("ok");

    deadlines.expire(5);
    assertThat(deadlines.size()).isOne();

    // Past the answered one's deadline too: it was answered, so it is neither forgotten nor failed.
    deadlines.expire(TIMEOUT + 10);
    assertThat(answered).isCompletedWithValue("ok");
    assertThat(waiting).isCompletedExceptionally();
    assertThat(forgotten).containsExactly(2L);
  }

  @Test
  void deadlinesAreComparedSafelyAcrossTheWrapOfNanoTime() {
    CompletableFuture<Object> f = new CompletableFuture<>();
    long started = Long.MAX_VALUE - TIMEOUT / 2;
    deadlines.arm(3, f, () -> {}, started);

    deadlines.expire(Long.MAX_VALUE);
    assertThat(f).isNotDone();
    deadlines.expire(started + TIMEOUT); // overflows to a negative number
    assertThat(f).isCompletedExceptionally();
  }

  @Test
  void clearDropsEverything() {
    CompletableFuture<Object> f = new CompletableFuture<>();
    deadlines.arm(4, f, () -> forgotten.add(4L), 0);
    deadlines.clear();
    deadlines.expire(TIMEOUT * 2);
    assertThat(f).isNotDone();
    assertThat(forgotten).isEmpty();
  }
}
