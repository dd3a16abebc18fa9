package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.testkit.KvStateMachine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A leader whose log write fails stops its group, as a crashed node would: what waits on it fails
 * with a typed error naming the cause, later calls fail the same way, and the rest of the cluster
 * elects a new leader and goes on.
 */
class LogWriteFailureTest {
  private final Set<Long> failing = ConcurrentHashMap.newKeySet();

  @Test
  void aLeaderWhoseLogWriteFailsStopsAndTheOthersGoOn() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      // Every node again, over storage whose writes the test can make fail.
      for (long id = 1; id <= 3; id++) {
        c.crash(id);
      }
      c.storageWrapper = (id, storage) -> failingWhenAsked(id, storage);
      for (long id = 1; id <= 3; id++) {
        c.restart(id);
      }
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      await(g.propose(put("k0")));

      failing.add(leader);
      CompletableFuture<Object> write = g.propose(put("k1"));
      assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(GroupFailedException.class)
          .hasMessageContaining("log write failed")
          .hasRootCauseMessage("disk gone");
      assertThat(g.failure()).get().extracting(Throwable::getMessage).isEqualTo("disk gone");
      assertThat(g.isLeader()).isFalse();
      assertThat(g.status().role()).isEqualTo(dev.raftboot.core.StateRole.FOLLOWER);
      assertThat(g.status().leaderId()).isZero();
      assertThat(g.fencingToken()).isEmpty();
      // Later calls fail the same way, at once, instead of waiting for a timeout.
      assertThatThrownBy(() -> g.propose(put("k2")).get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(GroupFailedException.class);
      assertThatThrownBy(() -> g.linearizableBarrier().get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(GroupFailedException.class);

      // The failed leader is silent from now on: the others elect one of themselves and go on.
      long next = c.awaitLeader();
      assertThat(next).isNotEqualTo(leader);
      await(c.groups.get(next).propose(put("k3")));
      assertThat(c.machines.get(next).get("k0")).isEqualTo("v");
      assertThat(c.machines.get(next).get("k3")).isEqualTo("v");
    }
  }

  private static byte[] put(String key) {
    return KvStateMachine.command((byte) 1, key, "v", null);
  }

  private static void await(CompletableFuture<?> f) throws Exception {
    f.get(20, TimeUnit.SECONDS);
  }

  /** A storage whose writes throw while node {@code id} is among {@link #failing}. */
  private GroupStorage failingWhenAsked(long id, GroupStorage storage) {
    return (GroupStorage)
        Proxy.newProxyInstance(
            GroupStorage.class.getClassLoader(),
            new Class<?>[] {GroupStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("persist") && failing.contains(id)) {
                throw new IllegalStateException("disk gone");
              }
              try {
                return method.invoke(storage, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
