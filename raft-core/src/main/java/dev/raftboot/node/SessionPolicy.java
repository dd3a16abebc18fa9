package dev.raftboot.node;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of a group's client-session table. The table is replicated state: <b>every node of a group
 * must use the same policy</b>, as they run the same state machine, or their decisions about
 * duplicates would differ.
 *
 * @param maxSessions sessions kept at most; opening one more evicts the least recently used (by log
 *     order)
 * @param expireAfter a session with no request for this long is dropped. Time is read from the log,
 *     never from a local clock: every entry carries its proposer's wall-clock time, and the table's
 *     clock is the largest such time applied so far. Clock skew between proposers shifts expiry by
 *     at most the skew.
 * @param resultsPerClient results remembered per session (the latest ones): a client may have this
 *     many requests in flight and still retry each of them
 */
public record SessionPolicy(int maxSessions, Duration expireAfter, int resultsPerClient) {
  public SessionPolicy {
    Objects.requireNonNull(expireAfter, "SessionPolicy.expireAfter");
    if (maxSessions < 1) {
      throw new IllegalArgumentException(
          "SessionPolicy.maxSessions must be positive: " + maxSessions);
    }
    if (expireAfter.isZero() || expireAfter.isNegative()) {
      throw new IllegalArgumentException(
          "SessionPolicy.expireAfter must be positive: " + expireAfter);
    }
    if (resultsPerClient < 1) {
      throw new IllegalArgumentException(
          "SessionPolicy.resultsPerClient must be positive: " + resultsPerClient);
    }
  }

  /** 10,000 sessions, expired after an hour without requests, 16 results remembered each. */
  public static SessionPolicy defaults() {
    return new SessionPolicy(10_000, Duration.ofHours(1), 16);
  }
}
