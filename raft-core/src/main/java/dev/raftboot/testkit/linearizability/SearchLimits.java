package dev.raftboot.testkit.linearizability;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on how much effort one {@link LinearizabilityChecker#check} call may spend. Checking is
 * NP-complete in general; when a bound is reached the result is {@link Verdict#UNKNOWN} rather than
 * an endless search. Both bounds apply to the whole check, across all partitions.
 *
 * @param timeout wall-clock time the search may take; {@code null} for no limit
 * @param maxSteps how many times the model may be stepped; {@link Long#MAX_VALUE} for no limit.
 *     Unlike a timeout this bound is deterministic, so tests can rely on it.
 */
public record SearchLimits(Duration timeout, long maxSteps) {

  private static final SearchLimits NONE = new SearchLimits(null, Long.MAX_VALUE);

  /** Validates that the bounds are positive. */
  public SearchLimits {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxSteps <= 0) {
      throw new IllegalArgumentException("maxSteps must be positive: " + maxSteps);
    }
  }

  /** No bound: the search runs until it reaches a verdict. */
  public static SearchLimits none() {
    return NONE;
  }

  /** Bounds wall-clock time only. */
  public static SearchLimits ofTimeout(Duration timeout) {
    return new SearchLimits(Objects.requireNonNull(timeout, "timeout"), Long.MAX_VALUE);
  }

  /** Bounds the number of model steps only. */
  public static SearchLimits ofMaxSteps(long maxSteps) {
    return new SearchLimits(null, maxSteps);
  }
}
