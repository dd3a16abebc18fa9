package dev.raftboot.spring.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.node.GroupOptions;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.node.RaftServer;
import dev.raftboot.node.ServerConfig;
import dev.raftboot.proto.ConfState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The misfire and catch-up policies, on a single-node scheduler group with a clock the test moves.
 */
class JobCoordinatorTest {
  private static final long PERIOD = 1_000;
  private static final long T0 = 1_000_000 * PERIOD;

  @TempDir Path dir;

  private final AtomicLong now = new AtomicLong(T0 + 10);
  private final List<Long> runs = new CopyOnWriteArrayList<>();
  private RaftServer server;
  private RaftGroup group;
  private SchedulerStateMachine state;
  private JobCoordinator coordinator;
  private int maxCatchUp = 100;

  public void job(ScheduledOnceContext ctx) {
    runs.add(ctx.slot().toEpochMilli());
  }

  private void start(Misfire misfire, CatchUp catchUp) throws Exception {
    start(misfire, catchUp, null);
  }

  private void start(Misfire misfire, CatchUp catchUp, ExecutorService runner) throws Exception {
    state = new SchedulerStateMachine(100);
    server =
        RaftServer.create(
                new ServerConfig(1, "test", "127.0.0.1", 0, Map.of(), dir, 2, null), t -> {})
            .start();
    group =
        server.group(
            "sched",
            state,
            ConfState.newBuilder().addVoters(1).build(),
            new GroupOptions("sched", Duration.ofMillis(10), Duration.ofSeconds(5), 10_000, 100),
            RaftConfig.builder().electionTick(10).heartbeatTick(1));
    ScheduledJob job =
        new ScheduledJob(
            "job",
            "sched",
            new SlotTrigger.FixedRate(Duration.ofMillis(PERIOD)),
            misfire,
            catchUp,
            this,
            getClass().getMethod("job", ScheduledOnceContext.class));
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    coordinator =
        new JobCoordinator(
            group, state, List.of(job), clock, Duration.ofMillis(5), maxCatchUp, runner);
  }

  /** As if an earlier leader had decided up to {@code slot} (claimed but never finished). */
  private void earlierLeaderClaimed(long slot) throws Exception {
    await().until(() -> group.status().leaderId() == 1);
    // In this term: a claim counts only in the term it was appended in.
    long term = group.status().term();
    group
        .propose(SchedulerCommand.claim("job", slot, 1, 9, term).encode())
        .get(5, TimeUnit.SECONDS);
  }

  private void lead() {
    group.addListener(coordinator);
    await().until(group::isLeader);
    // Leadership granted before the listener was added is not replayed to it.
    coordinator.granted(group.status().term(), group.fencingToken().orElseThrow());
  }

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void slotsRunOnceEachAsTheClockReachesThem() throws Exception {
    start(Misfire.SKIP, CatchUp.LATEST);
    lead();
    for (int i = 1; i <= 3; i++) {
      now.set(T0 + i * PERIOD);
      long slot = T0 + i * PERIOD;
      await().until(() -> runs.contains(slot));
    }
    assertThat(runs).containsExactly(T0 + PERIOD, T0 + 2 * PERIOD, T0 + 3 * PERIOD);
    await()
        .untilAsserted(
            () ->
                assertThat(state.history("job"))
                    .extracting(JobRun::outcome)
                    .containsOnly(JobRun.Outcome.SUCCEEDED));
  }

  @Test
  void aSlotLeftUnfinishedBySkipIsMisfiredAndNotRun() throws Exception {
    start(Misfire.SKIP, CatchUp.LATEST);
    earlierLeaderClaimed(T0);
    lead();
    await()
        .untilAsserted(
            () ->
                assertThat(state.history("job"))
                    .extracting(JobRun::outcome)
                    .containsExactly(JobRun.Outcome.MISFIRED));
    now.set(T0 + PERIOD);
    await().until(() -> runs.contains(T0 + PERIOD));
    assertThat(runs).doesNotContain(T0);
  }

  @Test
  void aSlotLeftUnfinishedIsRunAgainAsAttemptTwo() throws Exception {
    start(Misfire.RUN_AGAIN, CatchUp.LATEST);
    earlierLeaderClaimed(T0);
    lead();
    await().until(() -> runs.contains(T0));
    await()
        .untilAsserted(
            () ->
                assertThat(state.history("job"))
                    .extracting(JobRun::attempt, JobRun::outcome)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, JobRun.Outcome.MISFIRED),
                        org.assertj.core.groups.Tuple.tuple(2, JobRun.Outcome.SUCCEEDED)));
  }

  @Test
  void latestRunsOnlyTheMostRecentMissedSlot() throws Exception {
    start(Misfire.SKIP, CatchUp.LATEST);
    missFiveSlots();
    await().until(() -> runs.contains(T0 + 5 * PERIOD));
    Thread.sleep(100);
    assertThat(runs).containsExactly(T0, T0 + 5 * PERIOD);
    assertThat(state.history("job"))
        .extracting(JobRun::outcome)
        .containsExactly(
            JobRun.Outcome.SUCCEEDED, JobRun.Outcome.SKIPPED, JobRun.Outcome.SUCCEEDED);
  }

  @Test
  void allRunsEveryMissedSlotOldestFirst() throws Exception {
    start(Misfire.SKIP, CatchUp.ALL);
    missFiveSlots();
    await().until(() -> runs.size() == 6);
    assertThat(runs)
        .containsExactly(
            T0, T0 + PERIOD, T0 + 2 * PERIOD, T0 + 3 * PERIOD, T0 + 4 * PERIOD, T0 + 5 * PERIOD);
  }

  @Test
  void latestRunsTheMostRecentMissedSlotEvenPastTheCatchUpLimit() throws Exception {
    maxCatchUp = 3;
    start(Misfire.SKIP, CatchUp.LATEST);
    missFiveSlots();
    await().until(() -> runs.contains(T0 + 5 * PERIOD));
    Thread.sleep(100);
    assertThat(runs).containsExactly(T0, T0 + 5 * PERIOD);
  }

  @Test
  void allRunsOnlyTheNewestMissedSlotsUpToTheCatchUpLimit() throws Exception {
    maxCatchUp = 3;
    start(Misfire.SKIP, CatchUp.ALL);
    missFiveSlots();
    await().until(() -> runs.contains(T0 + 5 * PERIOD));
    Thread.sleep(100);
    assertThat(runs).containsExactly(T0, T0 + 3 * PERIOD, T0 + 4 * PERIOD, T0 + 5 * PERIOD);
    assertThat(state.history("job"))
        .extracting(JobRun::outcome)
        .containsExactly(
            JobRun.Outcome.SUCCEEDED,
            JobRun.Outcome.SKIPPED,
            JobRun.Outcome.SUCCEEDED,
            JobRun.Outcome.SUCCEEDED,
            JobRun.Outcome.SUCCEEDED);
  }

  @Test
  void noneSkipsEveryMissedSlot() throws Exception {
    start(Misfire.SKIP, CatchUp.NONE);
    missFiveSlots();
    await()
        .untilAsserted(
            () ->
                assertThat(state.history("job"))
                    .extracting(JobRun::outcome)
                    .containsExactly(JobRun.Outcome.SUCCEEDED, JobRun.Outcome.SKIPPED));
    assertThat(runs).containsExactly(T0);
    now.set(T0 + 6 * PERIOD);
    await().until(() -> runs.contains(T0 + 6 * PERIOD));
  }

  @Test
  void repeatedGrantsOfOneLeadershipNeitherSkipNorRepeatASlot() throws Exception {
    start(Misfire.SKIP, CatchUp.LATEST);
    lead();
    long term = group.status().term();
    for (int i = 1; i <= 5; i++) {
      long slot = T0 + i * PERIOD;
      now.set(slot);
      // Told again and again while the slot is being claimed and run.
      for (int j = 0; j < 50; j++) {
        coordinator.granted(term, group.fencingToken().orElseThrow());
        Thread.sleep(0, 200_000);
      }
      await().until(() -> runs.contains(slot));
    }
    assertThat(runs)
        .containsExactly(
            T0 + PERIOD, T0 + 2 * PERIOD, T0 + 3 * PERIOD, T0 + 4 * PERIOD, T0 + 5 * PERIOD);
    await()
        .untilAsserted(
            () ->
                assertThat(state.history("job"))
                    .extracting(JobRun::outcome)
                    .containsOnly(JobRun.Outcome.SUCCEEDED));
  }

  @Test
  void aRunRevokedBeforeItStartedIsRecordedAndLaterSlotsStillRun() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    CountDownLatch startRuns = new CountDownLatch(1);
    // Hands runs to the pool, where each waits until the test lets runs start.
    ExecutorService held =
        new AbstractExecutorService() {
          @Override
          public void execute(Runnable r) {
            pool.execute(
                () -> {
                  try {
                    startRuns.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  r.run();
                });
          }

          @Override
          public void shutdown() {
            pool.shutdown();
          }

          @Override
          public List<Runnable> shutdownNow() {
            return pool.shutdownNow();
          }

          @Override
          public boolean isShutdown() {
            return pool.isShutdown();
          }

          @Override
          public boolean isTerminated() {
            return pool.isTerminated();
          }

          @Override
          public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return pool.awaitTermination(timeout, unit);
          }
        };
    start(Misfire.SKIP, CatchUp.LATEST, held);
    now.set(T0 + PERIOD);
    lead();
    long term = group.status().term();
    // The slot is claimed and handed to the runner, which has not started it yet.
    await().until(() -> state.job("job").map(s -> s.claimedUnfinished()).orElse(false));
    coordinator.revoked(term);
    startRuns.countDown();
    await()
        .untilAsserted(
            () ->
                assertThat(state.history("job"))
                    .extracting(JobRun::outcome)
                    .containsExactly(JobRun.Outcome.INTERRUPTED));
    assertThat(runs).isEmpty();

    // Leading again, the job is not stuck behind the run that never started.
    now.set(T0 + 2 * PERIOD);
    coordinator.granted(term, group.fencingToken().orElseThrow());
    await().until(() -> runs.contains(T0 + 2 * PERIOD));
  }

  /** Slot T0 runs, then leadership is lost while the clock passes five more slots. */
  private void missFiveSlots() throws Exception {
    now.set(T0);
    lead();
    await().until(() -> runs.contains(T0));
    await()
        .until(
            () ->
                state.job("job").map(s -> s.lastOutcome == JobRun.Outcome.SUCCEEDED).orElse(false));
    coordinator.revoked(group.status().term());
    runs.clear();
    runs.add(T0);
    now.set(T0 + 5 * PERIOD + 10);
    coordinator.granted(group.status().term(), group.fencingToken().orElseThrow());
  }
}
