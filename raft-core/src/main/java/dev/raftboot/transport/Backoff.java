package dev.raftboot.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect backoff, doubling from {@code initial} up to {@code max}, with up to 20%
 * jitter downwards so peers that lost a node together do not reconnect in lockstep. Not
 * thread-safe: each peer owns one and uses it under its own lock.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = Math.max(max.toNanos(), initialNanos);
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  long nextDelayNanos() {
    long base = nextNanos;
    nextNanos = Math.min(maxNanos, base * 2);
    long jitter = (long) (base * 0.2 * ThreadLocalRandom.current().nextDouble());
    return base - jitter;
  }

  /** A connection worked: the next failure starts from the initial delay again. */
  void reset() {
    nextNanos = initialNanos;
  }
}
