package dev.raftboot.storage;

import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.List;

/** The storage contract on the in-memory reference; "reopening" it keeps the same object. */
class MemoryLogStorageContractTest extends LogStorageContractTest<MemoryLogStorage> {
  @Override
  protected MemoryLogStorage create(ConfState confState) {
    return new MemoryLogStorage(confState);
  }

  @Override
  protected MemoryLogStorage reopen(MemoryLogStorage storage) {
    return storage;
  }

  @Override
  protected void append(MemoryLogStorage s, List<Entry> entries) {
    s.append(entries);
  }

  @Override
  protected void setHardState(MemoryLogStorage s, HardState hs) {
    s.setHardState(hs);
  }

  @Override
  protected void applySnapshot(MemoryLogStorage s, Snapshot snapshot) {
    s.applySnapshot(snapshot);
  }

  @Override
  protected SnapshotMetadata createSnapshot(MemoryLogStorage s, long index, ConfState cs) {
    return s.createSnapshot(index, cs, new byte[0]).getMetadata();
  }

  @Override
  protected void compact(MemoryLogStorage s, long index) {
    s.compact(index);
  }
}
