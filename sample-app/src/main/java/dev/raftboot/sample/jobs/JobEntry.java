package dev.raftboot.sample.jobs;

import java.time.Instant;

/**
 * One run of the sample's {@code @ScheduledOnce} job, as the job appended it to the job log.
 *
 * @param slot the scheduled time of the slot the run was for
 * @param attempt 1, or higher when a slot is run again after a leader died mid-run
 * @param node the node that ran it
 * @param term the scheduler group's term of the run's claim
 * @param fencingIndex the log index of the claim: with {@code term}, the run's fencing token
 */
public record JobEntry(Instant slot, int attempt, long node, long term, long fencingIndex) {}
