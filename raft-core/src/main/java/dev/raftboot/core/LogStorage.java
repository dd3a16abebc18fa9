package dev.raftboot.core;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Snapshot;
import java.util.List;

/**
 * The stable storage a {@link RawNode} reads its log from. The node never writes to it: the
 * application persists what a {@link Ready} hands out, then calls {@link RawNode#advance}.
 *
 * <p>Index rules: entries live in [{@link #firstIndex()}, {@link #lastIndex()}]; the entry just
 * before the first (the last one covered by the snapshot) still has a known {@link #term}.
 */
public interface LogStorage {
  /**
   * The persisted hard state and configuration, read once when a node starts. The configuration
   * must be the one in force at the node's applied index ({@link RaftConfig#applied()}, or the
   * snapshot index when that is 0): committed entries after it are handed out again, conf changes
   * among them included, and each is applied on top of this configuration.
   */
  RaftState initialState();

  /**
   * Entries in [lo, hi), at least one if any is in range, then as many as fit in {@code maxBytes}
   * of serialized size.
   *
   * @throws CompactedException if lo is below {@link #firstIndex()}
   * @throws LogUnavailableException if hi is beyond {@link #lastIndex()} + 1
   */
  List<Entry> entries(long lo, long hi, long maxBytes);

  /**
   * The term of the entry at {@code index}, which may be {@code firstIndex() - 1}.
   *
   * @throws CompactedException if the index is older than that
   * @throws LogUnavailableException if the index is beyond {@link #lastIndex()}
   */
  long term(long index);

  /** The index of the first entry still held (the one after the latest snapshot). */
  long firstIndex();

  /** The index of the last entry held; {@code firstIndex() - 1} when there is none. */
  long lastIndex();

  /**
   * The most recent snapshot. A storage that is still building one for {@code requestIndex} may
   * throw {@link SnapshotTemporarilyUnavailableException}; the leader asks again later.
   */
  Snapshot snapshot(long requestIndex);
}
