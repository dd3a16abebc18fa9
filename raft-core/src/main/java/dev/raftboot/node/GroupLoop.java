package dev.raftboot.node;

import dev.raftboot.core.InvalidMessageException;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.transport.SnapshotImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial loop of one group: everything that touches its {@link RawNode} runs here, one task at
 * a time on the shared pool (no locks in the core). Events (proposals, reads, messages, ticks) are
 * stepped in as they arrive; a pass ({@link #flush}) then takes the ticks that are due, hands the
 * queued proposals to the node as one batch, issues reads and handles one Ready.
 *
 * <p>Loop-only state is not guarded: only tasks of {@link #loop} read or write it. {@link
 * #status()} is the one view other threads get, published after every pass.
 */
final class GroupLoop {
  private static final Logger log = LoggerFactory.getLogger(GroupLoop.class);

  private final String group;
  private final SerialExecutor loop;
  private final RawNode raw;
  private final ProposalBatch batch;
  private final ReadBarriers reads;
  private final Deadlines deadlines;
  private final GroupSnapshots snapshots;
  private final ReadyHandler readies;
  private final LeadershipTransfers transfers;
  private final GroupStats stats;
  private final Map<Long, CompletableFuture<Object>> proposals;
  private final int electionTicks;
  private final Consumer<GroupClosedException> failWaiting;

  // Loop-only state.
  private boolean flushScheduled;
  private boolean closed;
  private TickClock tickClock;

  private volatile Status status;
  private volatile ScheduledFuture<?> ticker;
  // Set once, on the loop, when handling a Ready failed: the group has stopped.
  private volatile RuntimeException failure;

  GroupLoop(
      String group,
      SerialExecutor loop,
      RawNode raw,
      ProposalBatch batch,
      ReadBarriers reads,
      Deadlines deadlines,
      GroupSnapshots snapshots,
      ReadyHandler readies,
      LeadershipTransfers transfers,
      GroupStats stats,
      Map<Long, CompletableFuture<Object>> proposals,
      int electionTicks,
      Consumer<GroupClosedException> failWaiting) {
    this.group = group;
    this.loop = loop;
    this.raw = raw;
    this.batch = batch;
    this.reads = reads;
    this.deadlines = deadlines;
    this.snapshots = snapshots;
    this.readies = readies;
    this.transfers = transfers;
    this.stats = stats;
    this.proposals = proposals;
    this.electionTicks = electionTicks;
    this.failWaiting = failWaiting;
    this.status = raw.status();
  }

  /** Starts ticking every {@code interval} on {@code timer}. */
  void start(Duration interval, ScheduledExecutorService timer) {
    long startedAt = System.nanoTime();
    loop.execute(
        () -> tickClock = new TickClock(interval.toNanos(), 2 * electionTicks + 1, startedAt));
    long ms = interval.toMillis();
    ticker =
        timer.scheduleAtFixedRate(
            () ->
                loop.execute(
                    () -> {
                      if (!closed) {
                        deadlines.expire(System.nanoTime());
                        flush();
                      }
                    }),
            ms,
            ms,
            TimeUnit.MILLISECONDS);
  }

  /** A recent view of the node (updated after every loop pass). */
  Status status() {
    return status;
  }

  /** Why the group stopped on its own, if it did (see {@link GroupFailedException}). */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Steps messages received from peers. */
  void receive(List<Message> messages) {
    loop.execute(
        () -> {
          if (closed) {
            return;
          }
          for (Message m : messages) {
            if (m.getType() == MessageType.MSG_SNAPSHOT && m.getSnapshot().getData().isEmpty()) {
              reject(
                  m,
                  "a snapshot without its image (snapshots must arrive through a transport's"
                      + " snapshot stream)");
              continue;
            }
            step(m);
          }
          requestFlush();
        });
  }

  /**
   * Steps a MSG_SNAPSHOT whose image arrived whole through the transport's snapshot stream. The
   * image is kept until the consensus module accepts the snapshot (then it becomes this group's
   * snapshot and the state machine is restored from it) or refuses it (then it is discarded).
   */
  void receiveSnapshot(Message message, SnapshotImage image) {
    loop.execute(
        () -> {
          if (closed) {
            image.discard();
            return;
          }
          snapshots.stage(message.getSnapshot().getMetadata(), image);
          step(message);
          requestFlush();
        });
  }

  private void step(Message m) {
    try {
      raw.step(m);
    } catch (InvalidMessageException e) {
      reject(m, e.getMessage());
    } catch (ProposalDroppedException e) {
      log.debug("group {}: dropped forwarded request: {}", group, e.getMessage());
    }
  }

  /**
   * Counts a refused peer message and logs why: at WARN for the 1st, 2nd, 4th, 8th... refusal, at
   * DEBUG otherwise, so a peer that keeps sending them cannot flood the log.
   */
  private void reject(Message m, String reason) {
    stats.messagesRejected.increment();
    long n = stats.messagesRejected();
    if (Long.bitCount(n) == 1) {
      log.warn(
          "group {}: rejected a {} from {}: {} ({} rejected so far)",
          group,
          m.getType(),
          m.getFrom(),
          reason,
          n);
    } else {
      log.debug("group {}: rejected a {} from {}: {}", group, m.getType(), m.getFrom(), reason);
    }
  }

  /**
   * Queues proposal {@code id} for the next pass's batch and keeps {@code f} among the proposals
   * waiting for their entry to apply; {@code f} fails when no answer comes within the proposal
   * timeout.
   */
  void propose(long id, byte[] data, CompletableFuture<Object> f, long started) {
    onLoopUnlessClosed(
        f,
        () -> {
          proposals.put(id, f);
          batch.add(id, data, f);
          deadlines.arm(id, f, () -> proposals.remove(id, f), started);
          requestFlush();
        });
  }

  /** Queues a read barrier ({@code lease}: answered from the leader's lease where it holds). */
  void read(long id, boolean lease, CompletableFuture<Void> f, long started) {
    onLoopUnlessClosed(
        f,
        () -> {
          reads.request(lease, f);
          deadlines.arm(id, f, () -> reads.forget(f), started);
          requestFlush();
        });
  }

  /**
   * Runs {@code task} on the loop, or fails {@code f} there if the group has closed meanwhile;
   * {@code f} fails after the proposal timeout unless answered (then {@code forget} runs).
   */
  void withDeadline(long id, CompletableFuture<?> f, Runnable forget, long started, Runnable task) {
    onLoopUnlessClosed(
        f,
        () -> {
          deadlines.arm(id, f, forget, started);
          task.run();
        });
  }

  /** Runs {@code task} on the loop unless the group has closed, then handles what it produced. */
  void onLoopThenFlush(Runnable task) {
    loop.execute(
        () -> {
          if (!closed) {
            task.run();
            requestFlush();
          }
        });
  }

  /** Runs {@code task} on the loop unless the group has closed. */
  void onLoop(Runnable task) {
    loop.execute(
        () -> {
          if (!closed) {
            task.run();
          }
        });
  }

  /** Runs {@code task} on the loop, or fails {@code f} there if the group has closed meanwhile. */
  void onLoopUnlessClosed(CompletableFuture<?> f, Runnable task) {
    loop.execute(
        () -> {
          if (closed) {
            f.completeExceptionally(closedException());
          } else {
            task.run();
          }
        });
  }

  /**
   * Stops ticking and closes the loop: what still waits fails (on the loop, after every task queued
   * before), and every later task finds the group closed. Returns once that has run.
   */
  void close() {
    stopTicking();
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          if (!closed) {
            shutDown(new GroupClosedException(group));
          }
          done.complete(null);
        });
    done.join();
  }

  private GroupClosedException closedException() {
    RuntimeException cause = failure;
    return cause == null ? new GroupClosedException(group) : new GroupFailedException(group, cause);
  }

  private void stopTicking() {
    ScheduledFuture<?> t = ticker;
    if (t != null) {
      t.cancel(false);
    }
  }

  /**
   * On the loop: from now on every task finds the group closed; what waits fails with {@code e}.
   */
  private void shutDown(GroupClosedException e) {
    closed = true;
    batch.clear();
    deadlines.clear();
    snapshots.discardRefused();
    failWaiting.accept(e);
  }

  /**
   * Handling a Ready failed part-way (its write, most likely): the node may have sent what it did
   * not store, and the core believes handed out what was not written. Going on could acknowledge
   * what is not durable, so the group stops, as if its node had crashed (etcd's server panics).
   */
  private void failStop(RuntimeException e) {
    log.error(
        "group {}: stopped, handling a Ready failed (the log write, most likely); this member"
            + " takes no further part until its server restarts",
        group,
        e);
    failure = e;
    stopTicking();
    shutDown(new GroupFailedException(group, e));
    // Leads nothing any more, and knows no leader: health, metrics and the endpoint must not show
    // a stopped member as the leader.
    Status last = raw.status();
    status =
        new Status(
            last.id(),
            last.term(),
            last.vote(),
            last.commit(),
            last.applied(),
            StateRole.FOLLOWER,
            0,
            Map.of(),
            last.confState(),
            last.lastIndex(),
            0);
  }

  /** Handles the Readies once the events queued so far are stepped in (group commit). */
  void requestFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(this::flush);
    }
  }

  /** Handles every Ready there is now (before a campaign, which needs the configuration). */
  void flushAll() {
    do {
      flush();
    } while (!closed && raw.hasReady());
  }

  private void flush() {
    flushScheduled = false;
    if (closed) {
      return;
    }
    // Before reads are issued: a lease is only as fresh as the tick count.
    tickUpToNow();
    batch.proposeTo(raw, proposals);
    reads.issue(raw);
    if (raw.hasReady()) {
      try {
        readies.handle(raw.ready());
      } catch (RuntimeException e) {
        failStop(e);
        return;
      }
    }
    status = raw.status();
    transfers.check(status);
    if (raw.hasReady()) {
      // One Ready per pass: the next one waits behind the events that queued during this one's
      // sync (answers from followers, proposals), so it carries them all, rather than going out
      // at once with only what this Ready's advance produced.
      requestFlush();
    } else {
      // A snapshot image still staged was refused by the consensus module (stale, or a newer
      // one); only now, when no Ready that may install it is left.
      snapshots.discardRefused();
    }
  }

  /** Takes the ticks the clock says are due (see {@link TickClock}). */
  private void tickUpToNow() {
    if (tickClock == null) {
      return;
    }
    for (int due = tickClock.take(System.nanoTime()); due > 0; due--) {
      raw.tick();
      reads.onTick();
    }
  }
}
