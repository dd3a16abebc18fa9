package dev.raftboot.core;

/** A snapshot older than the one storage already holds was offered to it. */
public class SnapshotOutOfDateException extends RaftException {
  public SnapshotOutOfDateException(long offeredIndex, long currentIndex) {
    super(
        "snapshot at index "
            + offeredIndex
            + " is older than the stored snapshot at index "
            + currentIndex);
  }
}
