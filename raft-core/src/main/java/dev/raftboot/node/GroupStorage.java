package dev.raftboot.node;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.Ready;
import dev.raftboot.proto.ConfState;

/**
 * The durable side of one group: the {@link LogStorage} the consensus module reads, and the writes
 * the runtime makes for it.
 */
public interface GroupStorage {
  LogStorage logStorage();

  /**
   * Makes a Ready's snapshot, entries and hard state durable, atomically, before its messages are
   * sent (one sync per Ready: everything proposed since the last one is committed together).
   */
  void persist(Ready ready);

  /**
   * Records a snapshot of the state machine at {@code index} (already applied) and drops log
   * entries before it, keeping {@code keepEntries} behind for followers that lag a little.
   */
  void snapshotAndCompact(long index, ConfState confState, byte[] data, long keepEntries);
}
