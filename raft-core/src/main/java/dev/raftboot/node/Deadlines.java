package dev.raftboot.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The group's requests (proposals, read barriers, membership changes) that fail with {@link
 * ProposalTimeoutException} unless answered within the proposal timeout. Checked on the loop's
 * ticks, so a request fails at most one tick after its deadline. Loop-only.
 *
 * <p>A timer task per request cost a lock on a shared delay queue twice per request (schedule, then
 * cancel on the answer) and a callback on every future; here a request is one list entry, and
 * answered ones leave at the next tick.
 */
final class Deadlines {
  private record Armed(long deadlineNanos, long id, CompletableFuture<?> future, Runnable forget) {}

  private final String group;
  private final long timeoutNanos;
  private final List<Armed> armed = new ArrayList<>();

  Deadlines(String group, long timeoutNanos) {
    this.group = group;
    this.timeoutNanos = timeoutNanos;
  }

  /**
   * Fails {@code future} unless it is answered within the timeout from {@code startedNanos}; {@code
   * forget} runs first, on the loop, to drop whatever waits to answer it.
   */
  void arm(long id, CompletableFuture<?> future, Runnable forget, long startedNanos) {
    armed.add(new Armed(startedNanos + timeoutNanos, id, future, forget));
  }

  /** Drops the answered requests and fails the unanswered ones whose deadline has passed. */
  void expire(long nowNanos) {
    if (armed.isEmpty()) {
      return; // an idle group: every tick of every group passes here
    }
    List<Armed> expired = new ArrayList<>();
    armed.removeIf(
        a -> {
          if (a.future.isDone()) {
            return true;
          }
          if (nowNanos - a.deadlineNanos < 0) {
            return false;
          }
          expired.add(a);
          return true;
        });
    long ms = timeoutNanos / 1_000_000;
    for (Armed a : expired) {
      a.forget.run();
      a.future.completeExceptionally(new ProposalTimeoutException(group, a.id, ms));
    }
  }

  /** Requests armed and not yet dropped (for tests). */
  int size() {
    return armed.size();
  }

  /** Forgets every request: the group has closed and failed them. */
  void clear() {
    armed.clear();
  }
}
