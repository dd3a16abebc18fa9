package dev.raftboot.spring.schedule;

import dev.raftboot.node.FencingToken;
import dev.raftboot.node.LeadershipListener;
import dev.raftboot.node.RaftGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one scheduler group while this node leads it: decides the next slot of each job
 * from the replicated state, claims it through the log, runs the method once the claim commits, and
 * records the end. Leadership revoked: every run is interrupted and deciding stops at once.
 */
final class JobCoordinator implements LeadershipListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobCoordinator.class);

  private final RaftGroup group;
  private final SchedulerStateMachine state;
  private final List<ScheduledJob> jobs;
  private final Clock clock;
  private final Duration pollInterval;
  private final int maxCatchUp;
  private final ExecutorService decider;
  private final ExecutorService runner;
  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private final Object wake = new Object();

  /** The leadership being served; null while not leading. Guarded by {@code wake}. */
  private Leadership current;

  private record Leadership(long term, FencingToken token) {}

  JobCoordinator(
      RaftGroup group,
      SchedulerStateMachine state,
      List<ScheduledJob> jobs,
      Clock clock,
      Duration pollInterval,
      int maxCatchUp) {
    this(group, state, jobs, clock, pollInterval, maxCatchUp, null);
  }

  /** With the executor that runs the jobs (null: a cached pool of daemon threads). */
  JobCoordinator(
      RaftGroup group,
      SchedulerStateMachine state,
      List<ScheduledJob> jobs,
      Clock clock,
      Duration pollInterval,
      int maxCatchUp,
      ExecutorService runner) {
    this.group = group;
    this.state = state;
    this.jobs = List.copyOf(jobs);
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.maxCatchUp = maxCatchUp;
    AtomicInteger n = new AtomicInteger();
    this.decider =
        Executors.newSingleThreadExecutor(r -> daemon(r, "raft-scheduler-" + group.name()));
    this.runner =
        runner != null
            ? runner
            : Executors.newCachedThreadPool(
                r -> daemon(r, "raft-job-" + group.name() + "-" + n.incrementAndGet()));
  }

  @Override
  public void granted(long term, FencingToken token) {
    Leadership leadership = new Leadership(term, token);
    synchronized (wake) {
      if (current != null && current.term() == term) {
        // Told twice about one leadership (a listener and a caller who checked isLeader): a
        // second decision loop would stop the first mid-claim and leave its slot unfinished.
        return;
      }
      current = leadership;
    }
    decider.execute(() -> lead(leadership));
  }

  @Override
  public void revoked(long term) {
    synchronized (wake) {
      current = null;
      wake.notifyAll();
    }
    running.values().forEach(Run::revoke);
  }

  private boolean serving(Leadership leadership) {
    synchronized (wake) {
      return current == leadership;
    }
  }

  /** The decision loop of one leadership. */
  private void lead(Leadership leadership) {
    try {
      // The replicated state must include every decision of earlier leaders before deciding.
      group.linearizableBarrier().get();
      while (serving(leadership)) {
        long wakeAt = clock.millis() + pollInterval.toMillis();
        for (ScheduledJob job : jobs) {
          if (!serving(leadership)) {
            return;
          }
          wakeAt = Math.min(wakeAt, step(job, leadership));
        }
        synchronized (wake) {
          long wait = wakeAt - clock.millis();
          if (current == leadership && wait > 0) {
            wake.wait(wait);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (serving(leadership)) {
        log.warn("scheduler {}: deciding interrupted, retrying: {}", group.name(), e.toString());
        // Try again after a poll interval, with a fresh view of the replicated state.
        decider.execute(
            () -> {
              try {
                Thread.sleep(pollInterval.toMillis());
              } catch (InterruptedException ie) {
                return;
              }
              lead(leadership);
            });
      }
    }
  }

  /**
   * Decides what {@code job} does now.
   *
   * @return when to look at it again (epoch ms)
   */
  private long step(ScheduledJob job, Leadership leadership) throws Exception {
    long now = clock.millis();
    if (running.containsKey(job.name())) {
      return now + pollInterval.toMillis();
    }
    SchedulerStateMachine.JobState s =
        state.job(job.name()).orElseGet(SchedulerStateMachine.JobState::new);
    if (s.claimedUnfinished()) {
      // Claimed by a leader that never recorded the end (maybe this node, in an earlier term).
      if (job.misfire() == Misfire.RUN_AGAIN) {
        claimAndRun(job, leadership, s.lastSlot, s.attempt + 1);
      } else {
        propose(
            SchedulerCommand.skip(
                job.name(), s.lastSlot, now, "misfire: leader lost mid-run", leadership.term()));
      }
      return now;
    }
    long next = job.trigger().next(s.lastSlot, s.lastFinishedAt, now);
    if (next > now) {
      return next;
    }
    DueSlots due = DueSlots.between(job.trigger(), next, now, maxCatchUp);
    if (due.count() == 1) {
      claimAndRun(job, leadership, next, 1);
      return now;
    }
    String why = "missed while no leader could run it";
    switch (job.catchUp()) {
      case ALL -> {
        if (due.olderThanKept() == Long.MIN_VALUE) {
          claimAndRun(job, leadership, next, 1); // oldest first; the next steps run the rest
        } else {
          // More than max-catch-up are due: the oldest are skipped, the newest run.
          propose(
              SchedulerCommand.skip(job.name(), due.olderThanKept(), now, why, leadership.term()));
        }
      }
      case LATEST -> {
        propose(SchedulerCommand.skip(job.name(), due.beforeLatest(), now, why, leadership.term()));
        claimAndRun(job, leadership, due.latest(), 1);
      }
      case NONE ->
          propose(SchedulerCommand.skip(job.name(), due.latest(), now, why, leadership.term()));
    }
    return now;
  }

  private void claimAndRun(ScheduledJob job, Leadership leadership, long slot, int attempt)
      throws Exception {
    Object answer =
        group
            .propose(
                SchedulerCommand.claim(
                        job.name(), slot, attempt, group.status().id(), leadership.term())
                    .encode())
            .get();
    SchedulerStateMachine.ClaimResult claim = (SchedulerStateMachine.ClaimResult) answer;
    if (!claim.granted()) {
      log.debug(
          "scheduler {}: claim of {} at {} refused: {}",
          group.name(),
          job.name(),
          slot,
          claim.reason());
      return;
    }
    FencingToken token = new FencingToken(leadership.term(), claim.index());
    RunContext context =
        new RunContext(job.name(), Instant.ofEpochMilli(slot), attempt, token, leadership);
    synchronized (wake) {
      if (current != leadership) {
        // Revoked between the claim and the run: the slot is left to the next leader's misfire
        // policy, exactly as if this node had crashed here.
        return;
      }
      // Registered before it is handed over: a revocation from now on reaches it, even one that
      // comes before the run starts, and the run removes exactly this entry when it ends.
      Run handle = new Run();
      running.put(job.name(), handle);
      try {
        runner.execute(() -> run(job, context, slot, attempt, handle));
      } catch (RejectedExecutionException e) {
        running.remove(job.name(), handle); // closing
      }
    }
  }

  private void run(ScheduledJob job, RunContext context, long slot, int attempt, Run handle) {
    JobRun.Outcome outcome = JobRun.Outcome.SUCCEEDED;
    String message = null;
    long started = clock.millis();
    if (!handle.start()) {
      outcome = JobRun.Outcome.INTERRUPTED;
      message = "leadership revoked before the run began";
    } else {
      try {
        job.invoke(context);
      } catch (InterruptedException e) {
        outcome = JobRun.Outcome.INTERRUPTED;
        message = "leadership revoked";
      } catch (Exception e) {
        outcome =
            Thread.currentThread().isInterrupted()
                ? JobRun.Outcome.INTERRUPTED
                : JobRun.Outcome.FAILED;
        message = e.toString();
        if (outcome == JobRun.Outcome.FAILED) {
          log.warn("scheduled job {} failed for slot {}", job.name(), context.slot(), e);
        }
      } finally {
        if (handle.end() && outcome == JobRun.Outcome.SUCCEEDED) {
          outcome = JobRun.Outcome.INTERRUPTED;
          message = "leadership revoked";
        }
      }
    }
    try {
      // Recorded even after losing leadership (the proposal is forwarded to the new leader): the
      // history then tells the truth, and the new leader need not treat the slot as a misfire.
      propose(
          SchedulerCommand.finish(
              job.name(), slot, attempt, outcome, started, clock.millis(), message));
    } catch (Exception e) {
      log.debug(
          "scheduler {}: end of {} at {} not recorded: {}",
          group.name(),
          job.name(),
          slot,
          e.toString());
    } finally {
      running.remove(job.name(), handle);
      synchronized (wake) {
        wake.notifyAll();
      }
    }
  }

  private void propose(SchedulerCommand command) throws Exception {
    group.propose(command.encode()).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    revoked(0);
    decider.shutdownNow();
    runner.shutdownNow();
  }

  /**
   * One run of a job, from its hand-over to the runner until it has recorded its end. A revocation
   * interrupts the run's thread while it runs the job, or stops it from starting; it never reaches
   * the pool thread once the run is over.
   */
  private static final class Run {
    private Thread thread;
    private boolean revoked;

    /** On the run's thread: false if revoked already (then the job is not run). */
    synchronized boolean start() {
      if (revoked) {
        return false;
      }
      thread = Thread.currentThread();
      return true;
    }

    /** On the run's thread, once the job returned: whether it was interrupted (flag cleared). */
    synchronized boolean end() {
      thread = null;
      return Thread.interrupted();
    }

    synchronized void revoke() {
      revoked = true;
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The context handed to one run. */
  private final class RunContext implements ScheduledOnceContext {
    private final String job;
    private final Instant slot;
    private final int attempt;
    private final FencingToken token;
    private final Leadership leadership;

    RunContext(String job, Instant slot, int attempt, FencingToken token, Leadership leadership) {
      this.job = job;
      this.slot = slot;
      this.attempt = attempt;
      this.token = token;
      this.leadership = leadership;
    }

    @Override
    public String job() {
      return job;
    }

    @Override
    public Instant slot() {
      return slot;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public FencingToken fencingToken() {
      return token;
    }

    @Override
    public boolean isCurrent() {
      return serving(leadership) && !Thread.currentThread().isInterrupted();
    }
  }
}
