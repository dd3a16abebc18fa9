package dev.raftboot.testkit.linearizability;

/** The outcome of checking a history or one of its partitions. */
public enum Verdict {
  /** A linearization exists: the history is consistent with the sequential model. */
  LINEARIZABLE,
  /** The search proved that no linearization exists. */
  NOT_LINEARIZABLE,
  /** The search stopped at its {@link SearchLimits} before reaching a conclusion. */
  UNKNOWN
}
