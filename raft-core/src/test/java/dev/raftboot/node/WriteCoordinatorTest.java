package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.storage.RocksDbLogStorage;
import dev.raftboot.storage.RocksDbStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit across groups: writes that queue during a sync share the next one. */
class WriteCoordinatorTest {

  private static List<Entry> entries(long from, int count) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i < from + count; i++) {
      out.add(Entry.newBuilder().setIndex(i).setTerm(1).build());
    }
    return out;
  }

  @Test
  void writesQueuedDuringASyncShareTheNextOneAndSurviveARestart(@TempDir Path dir)
      throws Exception {
    CountDownLatch firstSyncHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    String[] groups = {"a", "b", "c", "d"};
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      WriteCoordinator writes =
          new WriteCoordinator(store, holdingTheFirstSync(firstSyncHeld, release));
      List<Thread> threads = new ArrayList<>();
      for (int g = 0; g < groups.length; g++) {
        RocksDbLogStorage log = store.group(groups[g]);
        int count = 10 + g;
        Thread t =
            new Thread(
                () ->
                    writes.persist(
                        b ->
                            log.stage(
                                b,
                                HardState.newBuilder().setTerm(1).setCommit(count).build(),
                                entries(1, count),
                                null)));
        threads.add(t);
        if (g == 0) {
          // The first write starts a sync and is held in it...
          t.start();
          firstSyncHeld.await();
        } else {
          t.start();
        }
      }
      // ...while the three others queue behind it.
      LocalCluster.await(() -> writes.queued() == 3, "three writes to queue");
      release.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(writes.writes()).isEqualTo(4);
      assertThat(writes.syncs()).isEqualTo(2);
    }
    // Everything persist() returned for is on disk.
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      for (int g = 0; g < groups.length; g++) {
        RocksDbLogStorage log = store.group(groups[g]);
        assertThat(log.lastIndex()).isEqualTo(10 + g);
        assertThat(log.hardState().getCommit()).isEqualTo(10 + g);
      }
    }
  }

  /**
   * Three writes share a sync; group b refuses its own (entries that leave a gap). That write fails
   * alone, wherever it fell in the batch: the other two are committed in the same sync.
   */
  @Test
  void aWriteThatCannotBeStagedFailsAloneAndTheOthersInItsSyncCommit(@TempDir Path dir)
      throws Exception {
    CountDownLatch firstSyncHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      WriteCoordinator writes =
          new WriteCoordinator(store, holdingTheFirstSync(firstSyncHeld, release));
      RocksDbLogStorage a = store.group("a");
      RocksDbLogStorage b = store.group("b");
      RocksDbLogStorage c = store.group("c");
      Thread opener =
          new Thread(() -> writes.persist(batch -> a.stage(batch, null, entries(1, 1), null)));
      opener.start();
      firstSyncHeld.await();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      threads.add(persisting(writes, batch -> a.stage(batch, null, entries(2, 3), null), failures));
      threads.add(persisting(writes, batch -> b.stage(batch, null, entries(5, 3), null), failures));
      threads.add(persisting(writes, batch -> c.stage(batch, null, entries(1, 4), null), failures));
      LocalCluster.await(() -> writes.queued() == 3, "three writes to queue");
      release.countDown();
      opener.join();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).singleElement().isInstanceOf(RuntimeException.class);
      assertThat(writes.syncs()).isEqualTo(2);
      assertThat(writes.writes()).isEqualTo(3);
      assertThat(a.lastIndex()).isEqualTo(4);
      assertThat(b.lastIndex()).isZero();
      assertThat(c.lastIndex()).isEqualTo(4);
    }
  }

  private static Thread persisting(
      WriteCoordinator writes,
      java.util.function.Consumer<dev.raftboot.storage.RaftWriteBatch> stage,
      List<Throwable> failures) {
    Thread t =
        new Thread(
            () -> {
              try {
                writes.persist(stage);
              } catch (RuntimeException e) {
                failures.add(e);
              }
            });
    t.start();
    return t;
  }

  /**
   * Something unexpected breaks a round (here an Error out of the commit): its writes fail, none is
   * left waiting, and the next round syncs as usual.
   */
  @Test
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aRoundThatBreaksFailsItsWritesAndTheNextOneSyncs(@TempDir Path dir) {
    AtomicBoolean broken = new AtomicBoolean(true);
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      WriteCoordinator writes =
          new WriteCoordinator(
              store,
              () -> {
                if (broken.getAndSet(false)) {
                  throw new AssertionError("broken round");
                }
              });
      RocksDbLogStorage log = store.group("a");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> writes.persist(b -> log.stage(b, null, entries(1, 3), null)))
          .isInstanceOf(AssertionError.class);
      assertThat(log.lastIndex()).isZero();
      writes.persist(b -> log.stage(b, null, entries(1, 3), null));
      assertThat(log.lastIndex()).isEqualTo(3);
      assertThat(writes.queued()).isZero();
    }
  }

  @Test
  void anIdleServerSyncsEachWriteAtOnce(@TempDir Path dir) {
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      WriteCoordinator writes = new WriteCoordinator(store);
      RocksDbLogStorage log = store.group("a");
      writes.persist(b -> log.stage(b, null, entries(1, 3), null));
      writes.persist(b -> log.stage(b, null, entries(4, 3), null));
      assertThat(writes.syncs()).isEqualTo(2);
      assertThat(log.lastIndex()).isEqualTo(6);
    }
  }

  /** A hook that holds the first sync (telling {@code held}) until {@code release}. */
  private static Runnable holdingTheFirstSync(CountDownLatch held, CountDownLatch release) {
    AtomicBoolean first = new AtomicBoolean(true);
    return () -> {
      if (first.getAndSet(false)) {
        held.countDown();
        await(release);
      }
    };
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
