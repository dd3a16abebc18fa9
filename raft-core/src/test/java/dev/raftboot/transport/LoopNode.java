package dev.raftboot.transport;

import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RaftException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal single-threaded driver of one RawNode over a Transport, for transport tests: ticks on a
 * timer, steps inbound messages, and handles each Ready (persist to MemoryLogStorage, send, apply,
 * advance). Everything touching the RawNode runs on its own thread.
 */
final class LoopNode implements InboundHandler, TransportListener {
  static final String GROUP = "kv";

  final long id;
  final List<String> applied = new CopyOnWriteArrayList<>();
  final Queue<String> droppedProposals = new ConcurrentLinkedQueue<>();
  private final MemoryLogStorage storage;
  private final RawNode raw;
  private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  private final long tickNanos;
  private Transport transport;
  private volatile boolean leader;
  private volatile boolean running = true;
  private Thread thread;

  LoopNode(long id, long[] voters, long tickMillis) {
    this.id = id;
    ConfState.Builder cs = ConfState.newBuilder();
    for (long v : voters) {
      cs.addVoters(v);
    }
    this.storage = new MemoryLogStorage(cs.build());
    this.raw =
        new RawNode(
            RaftConfig.builder()
                .id(id)
                .electionTick(10)
                .heartbeatTick(1)
                .checkQuorum(true)
                .preVote(true)
                .randomSeed(id * 7919)
                .build(),
            storage);
    this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
  }

  void start(Transport transport) {
    this.transport = transport;
    transport.registerGroup(GROUP, this);
    thread = new Thread(this::run, "loop-node-" + id);
    thread.setDaemon(true);
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(10_000);
    }
  }

  boolean isLeader() {
    return leader;
  }

  void propose(String command) {
    inbox.add(
        () -> {
          try {
            raw.propose(command.getBytes(StandardCharsets.UTF_8));
          } catch (ProposalDroppedException e) {
            droppedProposals.add(command);
          }
        });
  }

  @Override
  public void onMessages(List<Message> messages) {
    inbox.add(
        () -> {
          for (Message m : messages) {
            try {
              raw.step(m);
            } catch (RaftException e) {
              // A stale or unexpected message: the core refused it, the loop goes on.
            }
          }
        });
  }

  @Override
  public void onSnapshot(ReceivedSnapshot snapshot) {
    snapshot.image().discard();
  }

  @Override
  public void unreachable(String group, long peerId) {
    inbox.add(() -> raw.reportUnreachable(peerId));
  }

  private void run() {
    long nextTick = System.nanoTime() + tickNanos;
    while (running) {
      long now = System.nanoTime();
      if (now >= nextTick) {
        raw.tick();
        nextTick = Math.max(nextTick + tickNanos, now);
      }
      try {
        Runnable task = inbox.poll(Math.max(0, nextTick - now), TimeUnit.NANOSECONDS);
        while (task != null) {
          task.run();
          task = inbox.poll();
        }
      } catch (InterruptedException e) {
        return;
      }
      handleReadies();
    }
  }

  private void handleReadies() {
    while (raw.hasReady()) {
      Ready rd = raw.ready();
      rd.softState().ifPresent(s -> leader = s.role() == StateRole.LEADER);
      rd.snapshot().ifPresent(storage::applySnapshot);
      storage.append(rd.entries());
      rd.hardState().ifPresent(storage::setHardState);
      if (!rd.messages().isEmpty()) {
        transport.send(GROUP, rd.messages());
      }
      for (Entry e : rd.committedEntries()) {
        if (e.getType() == EntryType.ENTRY_NORMAL && !e.getData().isEmpty()) {
          applied.add(e.getData().toStringUtf8());
        }
      }
      raw.advance(rd);
    }
  }
}
