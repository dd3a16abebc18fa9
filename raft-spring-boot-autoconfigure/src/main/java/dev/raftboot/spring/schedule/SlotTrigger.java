package dev.raftboot.spring.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/**
 * When a job's slots are. Slot times are epoch milliseconds that every leader computes alike from
 * the replicated state, so a new leader continues where the previous one stopped.
 */
sealed interface SlotTrigger {
  /**
   * The first slot after the decided state: after {@code lastSlot} (or, for a job never decided,
   * the first slot at or after {@code now}).
   *
   * @param lastSlot the latest decided slot, or {@link Long#MIN_VALUE}
   * @param lastFinishedAt when the latest decided slot's end was recorded, or {@link
   *     Long#MIN_VALUE}
   */
  long next(long lastSlot, long lastFinishedAt, long now);

  /** The slot after {@code slot}, for counting missed slots; only meaningful for periodic ones. */
  long after(long slot);

  /** A human-readable description, for the actuator. */
  String describe();

  /** Slots on a cron expression in a time zone. */
  record Cron(CronExpression expression, ZoneId zone, String text) implements SlotTrigger {
    @Override
    public long next(long lastSlot, long lastFinishedAt, long now) {
      long from = lastSlot == Long.MIN_VALUE ? now - 1 : lastSlot;
      return after(from);
    }

    @Override
    public long after(long slot) {
      ZonedDateTime next =
          expression.next(ZonedDateTime.ofInstant(Instant.ofEpochMilli(slot), zone));
      return next == null ? Long.MAX_VALUE : next.toInstant().toEpochMilli();
    }

    @Override
    public String describe() {
      return "cron " + text + " " + zone;
    }
  }

  /** Slots every {@code period}, aligned to the epoch. */
  record FixedRate(Duration period) implements SlotTrigger {
    @Override
    public long next(long lastSlot, long lastFinishedAt, long now) {
      if (lastSlot == Long.MIN_VALUE) {
        long p = period.toMillis();
        return Math.floorDiv(now + p - 1, p) * p;
      }
      return after(lastSlot);
    }

    @Override
    public long after(long slot) {
      return slot + period.toMillis();
    }

    @Override
    public String describe() {
      return "fixed rate " + period;
    }
  }

  /** A slot {@code delay} after the recorded end of the previous one. */
  record FixedDelay(Duration delay) implements SlotTrigger {
    @Override
    public long next(long lastSlot, long lastFinishedAt, long now) {
      if (lastSlot == Long.MIN_VALUE) {
        return now;
      }
      if (lastFinishedAt == Long.MIN_VALUE) {
        // The previous slot is still running: nothing is due until it ends.
        return Long.MAX_VALUE;
      }
      return Math.max(lastSlot + 1, lastFinishedAt + delay.toMillis());
    }

    @Override
    public long after(long slot) {
      // Missed fixed-delay slots do not pile up: there is only ever the next one.
      return Long.MAX_VALUE;
    }

    @Override
    public String describe() {
      return "fixed delay " + delay;
    }
  }
}
