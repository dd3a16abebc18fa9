package dev.raftboot.core;

/** A snapshot of the leader's view of one peer's replication, as shown by {@link Status}. */
public record Progress(long match, long next, ProgressState state) {}
