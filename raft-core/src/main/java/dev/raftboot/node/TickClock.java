package dev.raftboot.node;

/**
 * How many Raft ticks a group owes by the monotonic clock. A timer drives the ticks, but a timer
 * can be late: after a pause of the whole process (a garbage collection, a stopped VM) its thread
 * may wake after work that arrived meanwhile. A leader lease is counted in ticks, so a group that
 * took a lease read before its late ticks could answer from a lease that expired during the pause.
 * So the loop catches up on the ticks the clock says are due, before it issues reads, and the timer
 * only makes sure they are taken when nothing else happens.
 *
 * <p>At most {@code maxCatchUp} ticks are owed at once: enough for a leader's check-quorum to come
 * round twice and for any lease to run out; the rest of a long pause is forgiven (a tick count that
 * lags the clock only ever shortens a lease). Loop-only.
 */
final class TickClock {
  private final long tickNanos;
  private final int maxCatchUp;
  private long nextTickAt;

  TickClock(long tickNanos, int maxCatchUp, long now) {
    if (tickNanos <= 0 || maxCatchUp < 1) {
      throw new IllegalArgumentException("tickNanos and maxCatchUp must be positive");
    }
    this.tickNanos = tickNanos;
    this.maxCatchUp = maxCatchUp;
    this.nextTickAt = now + tickNanos;
  }

  /** The ticks due at {@code now} (monotonic nanoseconds) and not yet taken; takes them. */
  int take(long now) {
    if (now - nextTickAt < 0) {
      return 0;
    }
    long due = (now - nextTickAt) / tickNanos + 1;
    nextTickAt += due * tickNanos;
    return (int) Math.min(due, maxCatchUp);
  }
}
