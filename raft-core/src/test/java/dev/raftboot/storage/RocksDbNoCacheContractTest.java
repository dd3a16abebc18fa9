package dev.raftboot.storage;

/** The storage contract with the tail cache off: every read is served by RocksDB. */
class RocksDbNoCacheContractTest extends RocksDbLogStorageContractTest {
  @Override
  protected RocksDbStoreOptions options() {
    return RocksDbStoreOptions.builder().tailCacheBytesPerGroup(0).build();
  }
}
