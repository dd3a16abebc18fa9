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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The committed entries of a Ready are applied while the node syncs that Ready's new entries, not
 * after (etcd's server does the same): they are durable on a quorum already, and a commit should
 * not wait behind the sync of entries proposed after it.
 */
class AppliesWhileSyncingTest {

  /** Holds the first persist whose Ready matches, until released. */
  private static final class Hold {
    final Predicate<Ready> matches;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicLong lastCommitted = new AtomicLong();

    Hold(Predicate<Ready> matches) {
      this.matches = matches;
    }
  }

  @Test
  void committedEntriesApplyWhileTheSyncOfNewerEntriesIsHeld() throws Exception {
    List<Hold> holds = new java.util.concurrent.CopyOnWriteArrayList<>();
    // 1: a Ready with new entries. While its sync is held the followers store and acknowledge
    // them, and more writes queue up; so once it is released the next Ready both commits the
    // held entries and brings the queued writes — 2, whose sync is held in turn.
    Hold appending = new Hold(rd -> !rd.entries().isEmpty());
    Hold committingAndAppending =
        new Hold(rd -> !rd.entries().isEmpty() && !rd.committedEntries().isEmpty());
    try (LocalCluster c =
        new LocalCluster(
            3,
            0,
            // Ticks 5 s apart: a tick handles a Ready at once, which could split the Ready this
            // test arranges; elections happen only when the test asks. No check-quorum: with it
            // the voters, just started, would refuse votes for their first election timeout.
            new GroupOptions("kv", Duration.ofSeconds(5), Duration.ofSeconds(30), 10_000, 100),
            RaftConfig.builder().electionTick(500).heartbeatTick(1).preVote(true))) {
      long leader = 1;
      c.crash(leader);
      c.storageWrapper = (id, storage) -> id == leader ? holding(storage, holds) : storage;
      c.restart(leader);
      c.groups.get(leader).campaign();
      LocalCluster.await(() -> c.groups.get(leader).isLeader(), "node 1 leads");
      RaftGroup g = c.groups.get(leader);
      c.awaitFollowersStreaming(leader);
      long before = g.status().lastIndex();

      holds.add(appending);
      List<CompletableFuture<Object>> writes = new ArrayList<>();
      writes.add(g.propose(KvStateMachine.command((byte) 1, "a", "1", null)));
      assertThat(appending.held.await(10, TimeUnit.SECONDS)).isTrue();
      for (long id : c.groups.keySet()) {
        if (id != leader) {
          LocalCluster.await(
              () -> c.storages.get(id).logStorage().lastIndex() > before,
              "follower " + id + " stores the entry");
        }
      }
      writes.add(g.propose(KvStateMachine.command((byte) 1, "b", "2", null)));
      holds.add(committingAndAppending);
      appending.release.countDown();

      assertThat(committingAndAppending.held.await(10, TimeUnit.SECONDS))
          .as("a Ready that commits and appends")
          .isTrue();
      LocalCluster.await(
          () -> g.appliedIndex() >= committingAndAppending.lastCommitted.get(),
          "the committed entries of the held Ready are applied while its sync is held");
      assertThat(writes.get(0)).succeedsWithin(Duration.ofSeconds(5));

      committingAndAppending.release.countDown();
      for (CompletableFuture<Object> w : writes) {
        w.get(10, TimeUnit.SECONDS);
      }
    } finally {
      appending.release.countDown();
      committingAndAppending.release.countDown();
    }
  }

  /** A storage that holds the first persist matching each hold in {@code holds}. */
  private static GroupStorage holding(GroupStorage storage, List<Hold> holds) {
    return (GroupStorage)
        Proxy.newProxyInstance(
            GroupStorage.class.getClassLoader(),
            new Class<?>[] {GroupStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("persist")) {
                Ready rd = (Ready) args[0];
                for (Hold h : List.copyOf(holds)) {
                  if (h.held.getCount() > 0 && h.matches.test(rd)) {
                    if (!rd.committedEntries().isEmpty()) {
                      h.lastCommitted.set(
                          rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
                    }
                    h.held.countDown();
                    // Longer than the test waits for the apply: without the order it asserts,
                    // the entries would apply only after this.
                    h.release.await(30, TimeUnit.SECONDS);
                    break;
                  }
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
