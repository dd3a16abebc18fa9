package dev.raftboot.testkit.linearizability;

/** Tracks the effort spent against {@link SearchLimits}; shared by all partitions of one check. */
final class SearchBudget {

  /** Reading the clock on every step would cost more than the step; sample it instead. */
  private static final int CLOCK_SAMPLE_INTERVAL = 1024;

  private final long maxSteps;
  private final long deadlineNanos;
  private final boolean hasDeadline;
  private long steps;
  private boolean exhausted;

  SearchBudget(SearchLimits limits) {
    this.maxSteps = limits.maxSteps();
    this.hasDeadline = limits.timeout() != null;
    this.deadlineNanos = hasDeadline ? System.nanoTime() + limits.timeout().toNanos() : 0;
  }

  /**
   * Accounts for one model step.
   *
   * @return {@code false} once the budget is spent; it stays spent
   */
  boolean trySpendStep() {
    if (exhausted) {
      return false;
    }
    if (steps >= maxSteps) {
      exhausted = true;
      return false;
    }
    steps++;
    if (hasDeadline
        && steps % CLOCK_SAMPLE_INTERVAL == 0
        && System.nanoTime() - deadlineNanos > 0) {
      exhausted = true;
      return false;
    }
    return true;
  }

  boolean exhausted() {
    return exhausted;
  }

  long stepsSpent() {
    return steps;
  }
}
