package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.Ready;
import dev.raftboot.testkit.KvStateMachine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Thesis §10.2.1: a leader sends its appends before its own write is durable, so followers store an
 * entry while the leader's disk is still busy with it; the write is acknowledged only after the
 * leader's own write completed.
 */
class LeaderSendsBeforePersistingTest {

  @Test
  void followersReceiveAnEntryWhileTheLeadersWriteIsHeld() throws Exception {
    AtomicBoolean hold = new AtomicBoolean();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    // Election timeouts far longer than the hold, so that holding the leader's loop moves no
    // leadership; elections happen only when the test asks. No check-quorum: with it the voters,
    // just started, would refuse votes for their first election timeout.
    try (LocalCluster c =
        new LocalCluster(
            3,
            0,
            new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(10), 10_000, 100),
            RaftConfig.builder().electionTick(500).heartbeatTick(1).preVote(true))) {
      long leader = 1;
      // Restart node 1 over a storage whose writes the test can hold, then make it lead.
      c.crash(leader);
      c.storageWrapper =
          (id, storage) -> id == leader ? holding(storage, hold, held, release) : storage;
      c.restart(leader);
      c.groups.get(leader).campaign();
      LocalCluster.await(() -> c.groups.get(leader).isLeader(), "node 1 leads");
      c.awaitFollowersStreaming(leader);
      RaftGroup g = c.groups.get(leader);
      long before = g.status().lastIndex();

      hold.set(true);
      CompletableFuture<Object> write = g.propose(KvStateMachine.command((byte) 1, "k", "v", null));
      assertThat(held.await(5, TimeUnit.SECONDS)).as("the leader's write is held").isTrue();
      for (long id : c.groups.keySet()) {
        if (id != leader) {
          long follower = id;
          LocalCluster.await(
              () -> c.storages.get(follower).logStorage().lastIndex() > before,
              "follower " + follower + " stores the entry while the leader's write is held");
          assertThat(c.storages.get(follower).logStorage().term(before + 1))
              .isEqualTo(g.status().term());
        }
      }
      assertThat(write).as("not acknowledged before the leader's own write").isNotDone();

      release.countDown();
      write.get(5, TimeUnit.SECONDS);
      assertThat(c.machines.get(leader).get("k")).isEqualTo("v");
    }
  }

  /** A storage whose persist of entries blocks, while {@code hold} is set, until released. */
  private static GroupStorage holding(
      GroupStorage storage, AtomicBoolean hold, CountDownLatch held, CountDownLatch release) {
    return (GroupStorage)
        Proxy.newProxyInstance(
            GroupStorage.class.getClassLoader(),
            new Class<?>[] {GroupStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("persist")
                  && hold.get()
                  && !((Ready) args[0]).entries().isEmpty()) {
                held.countDown();
                release.await(10, TimeUnit.SECONDS);
              }
              try {
                return method.invoke(storage, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
