package dev.raftboot.transport;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs one kind of refusal at WARN at most once per interval and at DEBUG in between, so that a
 * peer or a scanner hammering the port cannot flood the log; each WARN line says how many were
 * logged at DEBUG since the last one.
 */
final class ThrottledWarnings {
  private final Logger log;
  private final long intervalNanos;

  // Guarded by this.
  private long lastWarnNanos;
  private boolean warnedOnce;
  private long suppressed;

  ThrottledWarnings(Logger log, long interval, TimeUnit unit) {
    this.log = log;
    this.intervalNanos = unit.toNanos(interval);
  }

  /** Logs {@code format} with {@code args} at WARN, or at DEBUG when a WARN was logged recently. */
  void log(String format, Object... args) {
    long since;
    synchronized (this) {
      long now = System.nanoTime();
      if (warnedOnce && now - lastWarnNanos < intervalNanos) {
        suppressed++;
        since = -1;
      } else {
        warnedOnce = true;
        lastWarnNanos = now;
        since = suppressed;
        suppressed = 0;
      }
    }
    if (since < 0) {
      log.debug(format, args);
    } else if (since == 0) {
      log.warn(format, args);
    } else {
      log.warn(format + " (" + since + " more since the last warning, at DEBUG)", args);
    }
  }
}
