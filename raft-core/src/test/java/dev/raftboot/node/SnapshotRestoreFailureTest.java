package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.testkit.KvStateMachine;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A follower that cannot read the snapshot it must restore stops applying instead of diverging. */
class SnapshotRestoreFailureTest {
  private static byte[] put(String key, String value) {
    return KvStateMachine.command((byte) 1, key, value, null);
  }

  @Test
  void aFollowerThatCannotRestoreASnapshotHaltsItsStateMachine() throws Exception {
    // A snapshot every 20 entries, 5 kept behind: a follower cut off for 60 writes can only catch
    // up from a snapshot.
    try (LocalCluster c = LocalCluster.of(3, LocalCluster.options(Duration.ofSeconds(3), 20, 5))) {
      long leader = c.awaitLeader();
      long follower = c.someFollower(leader);
      c.crash(follower);
      c.storageWrapper = (id, storage) -> id == follower ? unreadableSnapshots(storage) : storage;
      c.restart(follower);
      c.isolate(follower);
      long current = c.awaitLeader();
      for (int i = 0; i < 60; i++) {
        c.groups.get(current).propose(put("k" + i, "v")).get(20, TimeUnit.SECONDS);
      }
      c.heal();
      c.groups.get(current).propose(put("after", "1")).get(20, TimeUnit.SECONDS);
      RaftGroup f = c.groups.get(follower);
      long lastIndex = c.groups.get(current).status().commit();
      // The follower's log catches up (from the snapshot), its state machine does not.
      LocalCluster.await(() -> f.status().commit() >= lastIndex, "the follower's log catches up");
      Thread.sleep(200);
      KvStateMachine kv = c.machines.get(follower);
      assertThat(kv.get("after"))
          .as("applied on top of the state from before the snapshot")
          .isNull();
      assertThat(f.appliedIndex()).isLessThan(lastIndex);
      // A proposal made there fails rather than waiting for an apply that will not come.
      CompletableFuture<Object> there = f.propose(put("there", "1"));
      assertThat(there).failsWithin(Duration.ofSeconds(20));
    }
  }

  /** A storage that holds snapshots but cannot open one for the state machine to restore. */
  private static GroupStorage unreadableSnapshots(GroupStorage storage) {
    return (GroupStorage)
        Proxy.newProxyInstance(
            GroupStorage.class.getClassLoader(),
            new Class<?>[] {GroupStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("openSnapshot")) {
                throw new IOException("snapshot image gone");
              }
              try {
                return method.invoke(storage, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
