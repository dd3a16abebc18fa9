package dev.raftboot.core;

/** The outcome of sending a snapshot, reported to the leader through {@code reportSnapshot}. */
public enum SnapshotStatus {
  FINISH,
  FAILURE
}
