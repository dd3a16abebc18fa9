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
    AtomicBoolean first = new AtomicBoolean(true);
    String[] groups = {"a", "b", "c", "d"};
    try (RocksDbStore store = RocksDbStore.open(dir)) {
      WriteCoordinator writes =
          new WriteCoordinator(
              store,
              () -> {
                if (first.getAndSet(false)) {
                  firstSyncHeld.countDown();
                  await(release);
                }
              });
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

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
