package dev.raftboot.sample.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stretches of a scenario with no fault under way and every group led: a scenario {@link
 * #begin}s one once the cluster serves and {@link #end}s it before its next fault. Every
 * {@code @ScheduledOnce} slot inside one must have run exactly once, not merely at most once.
 */
final class CalmPeriods {
  /**
   * Slack at both ends: a slot right after a calm period began may belong to a leader elected just
   * before, and one right before it ended may still be on its way into the log.
   */
  static final Duration MARGIN = Duration.ofSeconds(1);

  private final List<Period> periods = new ArrayList<>();
  private Instant begun;

  synchronized void begin() {
    if (begun == null) {
      begun = Instant.now();
    }
  }

  synchronized void end() {
    if (begun != null) {
      periods.add(new Period(begun.plus(MARGIN), Instant.now().minus(MARGIN)));
      begun = null;
    }
  }

  /** The calm periods so far, each shrunk by the margin (an empty one is dropped). */
  synchronized List<Period> periods() {
    return periods.stream().filter(p -> p.from().isBefore(p.to())).toList();
  }

  /** From {@code from} to {@code to}, both inclusive. */
  record Period(Instant from, Instant to) {
    boolean contains(Instant t) {
      return !t.isBefore(from) && !t.isAfter(to);
    }
  }
}
