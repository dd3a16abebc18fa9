package dev.raftboot.spring.schedule;

import java.time.Instant;

/**
 * One entry of a job's replicated history.
 *
 * @param slot the slot's scheduled time
 * @param attempt the attempt number (see {@link Misfire#RUN_AGAIN})
 * @param node the node that claimed it (0 for a skip)
 * @param term the claiming leader's term
 * @param claimIndex the log index of the claim: with {@code term}, the run's fencing token
 * @param outcome how it ended, or RUNNING
 * @param startedAt when the run started (the running leader's clock), or null
 * @param finishedAt when the end was recorded (the recording leader's clock), or null
 * @param message an error or skip reason, or null
 */
public record JobRun(
    Instant slot,
    int attempt,
    long node,
    long term,
    long claimIndex,
    Outcome outcome,
    Instant startedAt,
    Instant finishedAt,
    String message) {

  /** How long the run took, if its start and end are known. */
  public java.time.Duration duration() {
    return startedAt == null || finishedAt == null
        ? null
        : java.time.Duration.between(startedAt, finishedAt);
  }

  /** How a slot ended. */
  public enum Outcome {
    /** Claimed; its end is not recorded yet. */
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Stopped because its leader lost leadership. */
    INTERRUPTED,
    /** Not run: missed while no leader existed, or a misfire under {@link Misfire#SKIP}. */
    SKIPPED,
    /** Claimed by a leader that never recorded its end; superseded by a later decision. */
    MISFIRED
  }
}
