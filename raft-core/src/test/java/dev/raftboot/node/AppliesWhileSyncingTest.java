package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.Ready;
import dev.raftboot.testkit.KvStateMachine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The committed entries of a Ready are applied while the node syncs that Ready's new entries, not
 * after (etcd's server does the same): they are durable on a quorum already, and a commit should
 * not wait behind the sync of entries proposed after it.
 */
class AppliesWhileSyncingTest {

  @Test
  void committedEntriesApplyWhileTheSyncOfNewerEntriesIsHeld() throws Exception {
    AtomicBoolean hold = new AtomicBoolean();
    AtomicLong heldCommitted = new AtomicLong();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (LocalCluster c =
        new LocalCluster(
            3,
            0,
            new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(10), 10_000, 100),
            RaftConfig.builder()
                .electionTick(500)
                .heartbeatTick(1)
                .preVote(true)
                .checkQuorum(true))) {
      long leader = 1;
      c.crash(leader);
      c.storageWrapper =
          (id, storage) ->
              id == leader ? holding(storage, hold, heldCommitted, held, release) : storage;
      c.restart(leader);
      c.groups.get(leader).campaign();
      LocalCluster.await(() -> c.groups.get(leader).isLeader(), "node 1 leads");
      RaftGroup g = c.groups.get(leader);

      // Writes without waiting, until the leader gets a Ready that both commits entries and
      // brings new ones; its sync is then held.
      hold.set(true);
      List<CompletableFuture<Object>> writes = new ArrayList<>();
      for (int i = 0; i < 5_000 && held.getCount() > 0; i++) {
        writes.add(g.propose(KvStateMachine.command((byte) 1, "k" + i, "v", null)));
        Thread.sleep(0, 200_000);
      }
      assertThat(held.await(5, TimeUnit.SECONDS))
          .as("a Ready with committed and new entries came")
          .isTrue();

      LocalCluster.await(
          () -> g.appliedIndex() >= heldCommitted.get(),
          "the committed entries of the held Ready are applied while its sync is held");

      release.countDown();
      for (CompletableFuture<Object> w : writes) {
        w.get(10, TimeUnit.SECONDS);
      }
    } finally {
      release.countDown();
    }
  }

  /**
   * A storage whose first persist of a Ready with both new and committed entries (while {@code
   * hold} is set) blocks until released.
   */
  private static GroupStorage holding(
      GroupStorage storage,
      AtomicBoolean hold,
      AtomicLong heldCommitted,
      CountDownLatch held,
      CountDownLatch release) {
    return (GroupStorage)
        Proxy.newProxyInstance(
            GroupStorage.class.getClassLoader(),
            new Class<?>[] {GroupStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("persist") && hold.get() && held.getCount() > 0) {
                Ready rd = (Ready) args[0];
                if (!rd.entries().isEmpty() && !rd.committedEntries().isEmpty()) {
                  heldCommitted.set(
                      rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
                  held.countDown();
                  // Longer than the test waits for the apply: without the order it asserts, the
                  // entries would apply only after this.
                  release.await(30, TimeUnit.SECONDS);
                }
              }
              try {
                return method.invoke(storage, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
