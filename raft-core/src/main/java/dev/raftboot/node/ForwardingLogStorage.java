package dev.raftboot.node;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.RaftState;
import dev.raftboot.proto.Entry;
import java.util.List;

/**
 * A {@link LogStorage} that reads the log from another and decides only how snapshots are served:
 * the runtime's views differ from their stores in {@link #snapshot} alone.
 */
abstract class ForwardingLogStorage implements LogStorage {
  private final LogStorage log;

  ForwardingLogStorage(LogStorage log) {
    this.log = log;
  }

  @Override
  public RaftState initialState() {
    return log.initialState();
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    return log.entries(lo, hi, maxBytes);
  }

  @Override
  public long term(long index) {
    return log.term(index);
  }

  @Override
  public long firstIndex() {
    return log.firstIndex();
  }

  @Override
  public long lastIndex() {
    return log.lastIndex();
  }
}
