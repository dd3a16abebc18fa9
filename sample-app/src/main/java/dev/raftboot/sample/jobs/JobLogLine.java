package dev.raftboot.sample.jobs;

import java.time.Instant;

/**
 * A {@link JobEntry} as the job log recorded it.
 *
 * @param index the log index at which the job log applied it
 * @param fenced whether its fencing token was older than one the log had already accepted: the
 *     check a downstream system makes to refuse work of a deposed leader
 */
public record JobLogLine(
    long index,
    Instant slot,
    int attempt,
    long node,
    long term,
    long fencingIndex,
    boolean fenced) {

  static JobLogLine of(long index, JobEntry e, boolean fenced) {
    return new JobLogLine(
        index, e.slot(), e.attempt(), e.node(), e.term(), e.fencingIndex(), fenced);
  }
}
