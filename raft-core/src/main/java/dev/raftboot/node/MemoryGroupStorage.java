package dev.raftboot.node;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.Ready;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import java.util.List;

/** {@link GroupStorage} in memory: for tests and for groups whose state need not survive. */
public final class MemoryGroupStorage implements GroupStorage {
  private final MemoryLogStorage storage;

  public MemoryGroupStorage(MemoryLogStorage storage) {
    this.storage = storage;
  }

  /**
   * A new group whose initial members are {@code initial}, written as the first entries of its log
   * as {@link RocksDbGroupStorage#bootstrapIfEmpty} does; an empty {@code initial} makes a node
   * that joins an existing group.
   */
  public static MemoryGroupStorage bootstrap(ConfState initial) {
    MemoryLogStorage storage = new MemoryLogStorage(ConfState.getDefaultInstance());
    if (!initial.equals(ConfState.getDefaultInstance())) {
      List<Entry> entries = InitialConfiguration.entries(initial);
      storage.append(entries);
      storage.setHardState(InitialConfiguration.hardState(entries));
    }
    return new MemoryGroupStorage(storage);
  }

  @Override
  public LogStorage logStorage() {
    return storage;
  }

  public MemoryLogStorage memory() {
    return storage;
  }

  @Override
  public void persist(Ready ready) {
    ready.snapshot().ifPresent(storage::applySnapshot);
    storage.append(ready.entries());
    ready.hardState().ifPresent(storage::setHardState);
  }

  @Override
  public void snapshotAndCompact(long index, ConfState confState, byte[] data, long keepEntries) {
    if (index <= storage.snapshot(0).getMetadata().getIndex()) {
      return;
    }
    storage.createSnapshot(index, confState, data);
    long compactTo = index - keepEntries;
    if (compactTo > storage.firstIndex()) {
      storage.compact(compactTo);
    }
  }
}
