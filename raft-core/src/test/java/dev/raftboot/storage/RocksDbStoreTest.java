package dev.raftboot.storage;

import static dev.raftboot.storage.LogStorageContractTest.VOTERS;
import static dev.raftboot.storage.LogStorageContractTest.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.HardState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the RocksDB store adds to the contract: locking, many groups, batches, lifecycle. */
class RocksDbStoreTest {
  @TempDir Path dir;

  @Test
  void aSecondOpenOfTheSameDirectoryFailsWithATypedError() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      assertThatThrownBy(() -> RocksDbStore.open(dir))
          .isInstanceOf(StoreLockedException.class)
          .hasMessageContaining(store.dataDir().toString());
    }
    try (RocksDbStore again = RocksDbStore.open(dir)) {
      assertThat(again.groupIds()).isEmpty();
    }
  }

  /**
   * A store that RocksDB finds corrupt is reported as corrupt, not as locked by another process,
   * even where its path says "lock" (here "block-storage").
   */
  @Test
  void aCorruptStoreIsNotMistakenForALockedOne() throws Exception {
    java.nio.file.Path inBlockStorage = dir.resolve("block-storage").resolve("raft");
    try (RocksDbStore store = RocksDbStore.open(inBlockStorage)) {
      assertThat(store.groupIds()).isEmpty();
    }
    try (var files = java.nio.file.Files.list(inBlockStorage)) {
      for (java.nio.file.Path f : files.toList()) {
        if (f.getFileName().toString().startsWith("MANIFEST-")) {
          java.nio.file.Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        }
      }
    }
    assertThatThrownBy(() -> RocksDbStore.open(inBlockStorage))
        .isInstanceOf(StorageException.class)
        .isNotInstanceOf(StoreLockedException.class)
        .hasMessageContaining(inBlockStorage.toString());
  }

  @Test
  void openingWithoutCreateFailsWhenThereIsNoStore() {
    RocksDbStoreOptions noCreate = RocksDbStoreOptions.builder().createIfMissing(false).build();
    assertThatThrownBy(() -> RocksDbStore.open(dir.resolve("none"), noCreate))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no store");
  }

  @Test
  void aBatchWritesSeveralGroupsAtomicallyAndViewsChangeOnlyOnCommit() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage a = store.group("a");
      RocksDbLogStorage b = store.group("ab");
      a.bootstrap(VOTERS);
      b.bootstrap(VOTERS);
      HardState hs = HardState.newBuilder().setTerm(2).setVote(1).setCommit(1).build();
      try (RaftWriteBatch batch = store.newBatch()) {
        a.stage(batch, hs, entries(1, 1, 2), null);
        b.stage(batch, null, entries(1, 1), null);
        b.stage(batch, hs, entries(2, 2, 2), null);
        assertThat(batch.groupCount()).isEqualTo(2);
        assertThat(a.lastIndex()).isZero();
        assertThat(b.lastIndex()).isZero();
        batch.commit();
        assertThatThrownBy(batch::commit).isInstanceOf(IllegalStateException.class);
      }
      assertThat(a.lastIndex()).isEqualTo(2);
      assertThat(b.lastIndex()).isEqualTo(3);
      assertThat(store.groupIds()).containsExactly("a", "ab");
    }
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      assertThat(store.group("a").entries(1, 3, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 2));
      assertThat(store.group("ab").entries(1, 4, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 2, 2));
      assertThat(store.group("ab").hardState().getTerm()).isEqualTo(2);
    }
  }

  @Test
  void aBatchClosedWithoutCommitWritesNothing() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      try (RaftWriteBatch batch = store.newBatch()) {
        g.stage(batch, null, entries(1, 1), null);
      }
      assertThat(g.lastIndex()).isZero();
      assertThat(g.isEmpty()).isTrue();
    }
  }

  @Test
  void theAppliedIndexAndItsConfigurationAreWhatANodeRestartsWith() {
    ConfState later = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      g.bootstrap(VOTERS);
      g.append(entries(1, 1, 1, 1));
      g.setApplied(2, later);
      g.setApplied(3, null);
    }
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      assertThat(g.appliedIndex()).isEqualTo(3);
      assertThat(g.initialState().confState()).isEqualTo(later);
      assertThatThrownBy(() -> g.bootstrap(VOTERS)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aSnapshotRecordedWithoutItsAppliedRecordRestartsWithTheSnapshotsConfiguration() {
    ConfState later = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(4).build();
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      g.bootstrap(VOTERS);
      g.append(entries(1, 1, 1, 1, 1));
      g.createSnapshot(2, VOTERS);
      g.setApplied(2, VOTERS);
      // A newer snapshot whose configuration changed (a conf change at index 3), recorded as a
      // crash between two separate writes would leave it: the applied record still at 2.
      g.createSnapshot(4, later);
    }
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      assertThat(g.snapshotMetadata().getIndex()).isEqualTo(4);
      assertThat(g.initialState().confState()).isEqualTo(later);
    }
  }

  @Test
  void recordingASnapshotSetsTheAppliedStateAndCompactsInOneWrite() {
    ConfState later = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(4).build();
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      g.bootstrap(VOTERS);
      g.append(entries(1, 1, 1, 1, 2, 2));
      g.recordSnapshot(4, later, 3);
    }
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      assertThat(g.snapshotMetadata().getIndex()).isEqualTo(4);
      assertThat(g.snapshotMetadata().getTerm()).isEqualTo(2);
      assertThat(g.snapshotMetadata().getConfState()).isEqualTo(later);
      assertThat(g.appliedIndex()).isEqualTo(4);
      assertThat(g.initialState().confState()).isEqualTo(later);
      assertThat(g.firstIndex()).isEqualTo(4);
      assertThat(g.lastIndex()).isEqualTo(5);
    }
  }

  @Test
  void aClosedStoreRefusesWorkInsteadOfTouchingFreedHandles() {
    RocksDbStore store = RocksDbStore.open(dir);
    RocksDbLogStorage g = store.group("g");
    g.append(entries(1, 1, 1));
    store.close();
    store.close();
    assertThatThrownBy(() -> g.append(entries(3, 1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.group("h")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(store::groupIds).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void nonContiguousEntriesAreRejected() {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      RocksDbLogStorage g = store.group("g");
      var gap = new java.util.ArrayList<>(entries(1, 1, 1));
      gap.addAll(entries(4, 1));
      assertThatThrownBy(() -> g.append(gap)).isInstanceOf(IllegalArgumentException.class);
      assertThat(g.lastIndex()).isZero();
    }
  }

  @Test
  void theLogTuningReachesRocksDbAndCanBeOverridden() throws java.io.IOException {
    try (RocksDbStore store = RocksDbStore.open(dir.resolve("defaults"))) {
      String options = latestOptionsFile(store.dataDir());
      assertThat(options)
          .contains("recycle_log_file_num=4")
          .contains("wal_recovery_mode=kPointInTimeRecovery")
          .contains("write_buffer_size=67108864")
          .contains("compression=kNoCompression");
    }
    RocksDbStoreOptions custom =
        RocksDbStoreOptions.builder()
            .recycledWalFiles(0)
            .logWriteBufferBytes(8 << 20)
            .logColumnFamilyOptions(o -> o.setMaxWriteBufferNumber(7))
            .build();
    try (RocksDbStore store = RocksDbStore.open(dir.resolve("custom"), custom)) {
      String options = latestOptionsFile(store.dataDir());
      assertThat(options)
          .contains("recycle_log_file_num=0")
          .contains("write_buffer_size=8388608")
          .contains("max_write_buffer_number=7");
    }
    assertThatThrownBy(() -> RocksDbStoreOptions.builder().recycledWalFiles(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recycledWalFiles");
  }

  /** RocksDB writes the options in force to an OPTIONS-NNNNNN file on every open. */
  private static String latestOptionsFile(Path dataDir) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(dataDir)) {
      Path latest =
          files
              .filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
              .max(java.util.Comparator.comparing(p -> p.getFileName().toString()))
              .orElseThrow();
      return java.nio.file.Files.readString(latest);
    }
  }
}
