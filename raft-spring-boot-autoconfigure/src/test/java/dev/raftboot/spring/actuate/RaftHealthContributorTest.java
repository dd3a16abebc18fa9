package dev.raftboot.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.node.GroupOptions;
import dev.raftboot.node.GroupStorage;
import dev.raftboot.node.MemoryGroupStorage;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.node.StateMachine;
import dev.raftboot.proto.ConfState;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** A group that stopped on a failed log write is DOWN, with the storage error as the reason. */
class RaftHealthContributorTest {

  @Test
  void aGroupWhoseLogWriteFailedIsDownNamingTheError() throws Exception {
    AtomicBoolean diskGone = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    RaftGroup group =
        new RaftGroup(
            new GroupOptions("g", Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 100),
            RaftConfig.builder().id(1).electionTick(10).heartbeatTick(1).build(),
            failingWhen(
                diskGone,
                MemoryGroupStorage.bootstrap(ConfState.newBuilder().addVoters(1).build())),
            new NoState(),
            messages -> {},
            pool,
            timer);
    try {
      group.start();
      group.campaign();
      await().until(group::isLeader);
      assertThat(RaftHealthContributor.health(group, id -> Optional.empty(), 100).getStatus())
          .isEqualTo(Status.UP);

      diskGone.set(true);
      group.propose(new byte[] {1});
      await().until(() -> group.failure().isPresent());
      Health health = RaftHealthContributor.health(group, id -> Optional.empty(), 100);
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails().get("reason").toString())
          .startsWith("stopped: its log write failed")
          .contains("disk gone");
    } finally {
      group.close();
      timer.shutdownNow();
      pool.shutdownNow();
    }
  }

  private static GroupStorage failingWhen(AtomicBoolean fail, GroupStorage storage) {
    return (GroupStorage)
        Proxy.newProxyInstance(
            GroupStorage.class.getClassLoader(),
            new Class<?>[] {GroupStorage.class},
            (proxy, method, args) -> {
              if (method.getName().equals("persist") && fail.get()) {
                throw new IllegalStateException("disk gone");
              }
              try {
                return method.invoke(storage, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static final class NoState implements StateMachine {
    @Override
    public Object apply(long index, byte[] command) {
      return null;
    }

    @Override
    public void snapshot(OutputStream out) {}

    @Override
    public void restore(InputStream in) {}
  }
}
