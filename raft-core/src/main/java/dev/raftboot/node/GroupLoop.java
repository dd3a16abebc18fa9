package dev.raftboot.node;

import dev.raftboot.core.InvalidMessageException;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Status;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.transport.SnapshotImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
  private final Map<Long, CompletableFuture<Object>> proposals;
  private final int electionTicks;

  // Loop-only state.
  private boolean flushScheduled;
  private boolean closed;
  private TickClock tickClock;

  private volatile Status status;
  private ScheduledFuture<?> ticker;

  GroupLoop(
      String group,
      SerialExecutor loop,
      RawNode raw,
      ProposalBatch batch,
      ReadBarriers reads,
      Deadlines deadlines,
      GroupSnapshots snapshots,
      ReadyHandler readies,
      Map<Long, CompletableFuture<Object>> proposals,
      int electionTicks) {
    this.group = group;
    this.loop = loop;
    this.raw = raw;
    this.batch = batch;
    this.reads = reads;
    this.deadlines = deadlines;
    this.snapshots = snapshots;
    this.readies = readies;
    this.proposals = proposals;
    this.electionTicks = electionTicks;
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

  /** Steps messages received from peers. */
  void receive(List<Message> messages) {
    loop.execute(
        () -> {
          if (closed) {
            return;
          }
          for (Message m : messages) {
            if (m.getType() == MessageType.MSG_SNAPSHOT && m.getSnapshot().getData().isEmpty()) {
              log.error(
                  "group {}: dropped a snapshot from {} that came without its image; snapshots"
                      + " must arrive through a transport's snapshot stream (TransportBinding)",
                  group,
                  m.getFrom());
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
      log.warn("group {}: rejected message from {}: {}", group, m.getFrom(), e.getMessage());
    } catch (ProposalDroppedException e) {
      log.debug("group {}: dropped forwarded request: {}", group, e.getMessage());
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
  private void onLoopUnlessClosed(CompletableFuture<?> f, Runnable task) {
    loop.execute(
        () -> {
          if (closed) {
            f.completeExceptionally(new GroupClosedException(group));
          } else {
            task.run();
          }
        });
  }

  /**
   * Stops ticking and closes the loop: {@code failWaiting} runs on it (after every task queued
   * before), and every later task finds the group closed. Returns once it has run.
   */
  void close(Runnable failWaiting) {
    if (ticker != null) {
      ticker.cancel(false);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          closed = true;
          batch.clear();
          deadlines.clear();
          snapshots.discardRefused();
          failWaiting.run();
          done.complete(null);
        });
    done.join();
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
      readies.handle(raw.ready());
    }
    status = raw.status();
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
