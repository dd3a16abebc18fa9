package dev.raftboot.storage;

import static dev.raftboot.storage.LogStorageContractTest.VOTERS;
import static dev.raftboot.storage.LogStorageContractTest.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.raftboot.proto.HardState;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * Damaged values written straight into RocksDB (past the record envelope) must be refused on read
 * with an error naming the group, the record type and the index, never handed to Raft.
 */
class CorruptionTest {
  private static final long SEED = 7_331L;
  @TempDir Path dir;
  private final RocksDbStoreOptions noCache =
      RocksDbStoreOptions.builder().tailCacheBytesPerGroup(0).build();

  @BeforeEach
  void writeALog() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("orders");
      g.bootstrap(VOTERS);
      g.persist(
          HardState.newBuilder().setTerm(2).setVote(1).setCommit(5).build(),
          entries(1, 1, 1, 2, 2, 2, 2, 2, 2),
          null);
    }
  }

  private static byte[] prefix() {
    return Keys.groupPrefix("orders");
  }

  private void flipOneByte(RocksDbStore.Column column, byte[] key) {
    System.out.println("CorruptionTest seed=" + SEED);
    SplittableRandom rnd = new SplittableRandom(SEED);
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      byte[] value = store.get(column, key);
      int at = rnd.nextInt(value.length);
      value[at] ^= (byte) (1 << rnd.nextInt(8));
      store.putRaw(column, key, value);
    }
  }

  @Test
  void aFlippedBitInAnEntryIsReportedWithGroupTypeAndIndex() {
    flipOneByte(RocksDbStore.Column.LOG, Keys.entryKey(prefix(), 4));
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      RocksDbLogStorage g = store.group("orders");
      assertThat(g.entries(1, 4, Long.MAX_VALUE)).hasSize(3);
      StorageCorruptionException e =
          catchThrowableOfType(
              StorageCorruptionException.class, () -> g.entries(1, 9, Long.MAX_VALUE));
      assertThat(e.groupId()).isEqualTo("orders");
      assertThat(e.recordType()).isEqualTo(RecordType.ENTRY);
      assertThat(e.index()).isEqualTo(4);
      assertThat(e).hasMessageContaining("'orders'").hasMessageContaining("index 4");
      assertThatThrownBy(() -> g.term(4)).isInstanceOf(StorageCorruptionException.class);
    }
  }

  @Test
  void theLastEntryIsVerifiedWhenAGroupLoads() {
    flipOneByte(RocksDbStore.Column.LOG, Keys.entryKey(prefix(), 8));
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      assertThatThrownBy(() -> store.group("orders"))
          .isInstanceOf(StorageCorruptionException.class)
          .hasMessageContaining("ENTRY record of group 'orders' at index 8");
    }
  }

  @Test
  void aDamagedHardStateStopsTheGroupFromLoading() {
    flipOneByte(RocksDbStore.Column.META, Keys.metaKey(prefix(), RecordType.HARD_STATE));
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      StorageCorruptionException e =
          catchThrowableOfType(StorageCorruptionException.class, () -> store.group("orders"));
      assertThat(e.recordType()).isEqualTo(RecordType.HARD_STATE);
      assertThat(e.index()).isEqualTo(-1);
    }
  }

  @Test
  void anUnknownFormatVersionIsRefused() {
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      byte[] key = Keys.metaKey(prefix(), RecordType.SNAPSHOT_METADATA);
      byte[] value = store.get(RocksDbStore.Column.META, key);
      value[0] = 9;
      store.putRaw(RocksDbStore.Column.META, key, value);
    }
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      assertThatThrownBy(() -> store.group("orders"))
          .isInstanceOf(StorageCorruptionException.class)
          .hasMessageContaining("SNAPSHOT_METADATA")
          .hasMessageContaining("unsupported format version 9");
    }
  }

  @Test
  void anIntactValueUnderTheWrongKeyIsCaught() {
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      byte[] three = store.get(RocksDbStore.Column.LOG, Keys.entryKey(prefix(), 3));
      store.putRaw(RocksDbStore.Column.LOG, Keys.entryKey(prefix(), 5), three);
    }
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      RocksDbLogStorage g = store.group("orders");
      assertThatThrownBy(() -> g.entries(5, 6, Long.MAX_VALUE))
          .isInstanceOf(StorageCorruptionException.class)
          .hasMessageContaining("index 5")
          .hasMessageContaining("checksum mismatch");
    }
  }

  @Test
  void aHoleInTheLogIsReportedAtTheMissingIndex() throws Exception {
    try (RocksDbStore store = RocksDbStore.open(dir, noCache);
        WriteBatch b = new WriteBatch()) {
      b.delete(store.handle(RocksDbStore.Column.LOG), Keys.entryKey(prefix(), 6));
      store.write(b);
    }
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      RocksDbLogStorage g = store.group("orders");
      assertThatThrownBy(() -> g.entries(2, 9, Long.MAX_VALUE))
          .isInstanceOf(StorageCorruptionException.class)
          .hasMessageContaining("index 6")
          .hasMessageContaining("missing");
      assertThatThrownBy(() -> g.term(6)).hasMessageContaining("missing");
    }
  }

  @Test
  void aLogThatDoesNotStartAfterItsTruncationPointIsRefused() throws Exception {
    try (RocksDbStore store = RocksDbStore.open(dir, noCache);
        WriteBatch b = new WriteBatch()) {
      b.delete(store.handle(RocksDbStore.Column.LOG), Keys.entryKey(prefix(), 1));
      store.write(b);
    }
    try (RocksDbStore store = RocksDbStore.open(dir, noCache)) {
      assertThatThrownBy(() -> store.group("orders"))
          .isInstanceOf(StorageCorruptionException.class)
          .hasMessageContaining("log starts at index 2");
    }
  }
}
