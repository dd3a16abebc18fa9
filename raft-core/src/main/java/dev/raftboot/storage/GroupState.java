package dev.raftboot.storage;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.SnapshotMetadata;

/**
 * What a group's view keeps in memory about its stored state, immutable so that a batch can build
 * the next state while readers still see the current one, and install it only once the write is on
 * disk.
 *
 * @param confState the configuration recorded at the applied index, or null when none was recorded
 *     (the snapshot's then applies)
 * @param truncatedIndex index of the last entry no longer in the log (0 for a new log)
 * @param truncatedTerm its term, so {@code term(firstIndex - 1)} is answerable
 * @param lastIndex index of the last entry, {@code truncatedIndex} when the log is empty
 */
record GroupState(
    HardState hardState,
    ConfState confState,
    long appliedIndex,
    SnapshotMetadata snapshot,
    long truncatedIndex,
    long truncatedTerm,
    long lastIndex) {

  static final GroupState EMPTY =
      new GroupState(
          HardState.getDefaultInstance(), null, 0, SnapshotMetadata.getDefaultInstance(), 0, 0, 0);

  long firstIndex() {
    return truncatedIndex + 1;
  }

  /**
   * The configuration a node starts with: the one recorded at the applied index, unless none was or
   * the snapshot is newer than that index (the node restarts from the snapshot's image, so the
   * configuration in force is the image's; a store written before the two records were one write
   * can hold such a pair after a crash).
   */
  ConfState effectiveConfState() {
    return confState != null && appliedIndex >= snapshot.getIndex()
        ? confState
        : snapshot.getConfState();
  }

  boolean isEmpty() {
    return equals(EMPTY);
  }

  GroupState withHardState(HardState hs) {
    return new GroupState(
        hs, confState, appliedIndex, snapshot, truncatedIndex, truncatedTerm, lastIndex);
  }

  GroupState withApplied(long applied, ConfState cs) {
    return new GroupState(
        hardState, cs, applied, snapshot, truncatedIndex, truncatedTerm, lastIndex);
  }

  GroupState withSnapshot(SnapshotMetadata meta) {
    return new GroupState(
        hardState, confState, appliedIndex, meta, truncatedIndex, truncatedTerm, lastIndex);
  }

  GroupState withTruncated(long index, long term, long last) {
    return new GroupState(hardState, confState, appliedIndex, snapshot, index, term, last);
  }

  GroupState withLastIndex(long last) {
    return new GroupState(
        hardState, confState, appliedIndex, snapshot, truncatedIndex, truncatedTerm, last);
  }
}
