package dev.raftboot.storage;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on RocksDB; reopening closes the whole store and opens it again, so every
 * assertion after a reopen reads what reached disk. A second group shares the store and is written
 * alongside, so a key-prefix bug that leaks across groups shows up as a wrong read.
 */
class RocksDbLogStorageContractTest extends LogStorageContractTest<RocksDbLogStorage> {
  @TempDir Path dir;
  private final List<RocksDbStore> open = new ArrayList<>();

  /** Options for this run; a subclass turns the tail cache off. */
  protected RocksDbStoreOptions options() {
    return RocksDbStoreOptions.builder().tailCacheBytesPerGroup(512).build();
  }

  private RocksDbStore openStore() {
    RocksDbStore store = RocksDbStore.open(dir.resolve("db"), options());
    open.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    open.forEach(RocksDbStore::close);
  }

  @Override
  protected RocksDbLogStorage create(ConfState confState) {
    RocksDbStore store = openStore();
    // A neighbour whose id is a prefix of the group under test, with a log of its own.
    RocksDbLogStorage neighbour = store.group("g");
    neighbour.bootstrap(confState);
    neighbour.append(entries(1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9));
    RocksDbLogStorage s = store.group("g1");
    s.bootstrap(confState);
    return s;
  }

  @Override
  protected RocksDbLogStorage reopen(RocksDbLogStorage storage) {
    storage.store().close();
    return openStore().group(storage.groupId());
  }

  @Override
  protected void append(RocksDbLogStorage s, List<Entry> entries) {
    s.append(entries);
  }

  @Override
  protected void setHardState(RocksDbLogStorage s, HardState hs) {
    s.setHardState(hs);
  }

  @Override
  protected void applySnapshot(RocksDbLogStorage s, Snapshot snapshot) {
    s.applySnapshot(snapshot);
  }

  @Override
  protected SnapshotMetadata createSnapshot(RocksDbLogStorage s, long index, ConfState cs) {
    return s.createSnapshot(index, cs);
  }

  @Override
  protected void compact(RocksDbLogStorage s, long index) {
    s.compact(index);
  }
}
