package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.LogStorage;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.SnapshotMetadata;
import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.transport.SnapshotImage;
import dev.raftboot.transport.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** Proposals made during one loop pass are proposed, persisted and replicated together. */
class GroupCommitTest {
  /** Runs tasks only when asked, so the test decides what one loop pass contains. */
  private static final class ManualExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
        }
        if (next == null) {
          return;
        }
        next.run();
      }
    }
  }

  /** Counts the writes that carried entries. */
  private static final class CountingStorage implements GroupStorage {
    final MemoryGroupStorage inner =
        MemoryGroupStorage.bootstrap(ConfState.newBuilder().addVoters(1).build());
    final List<Integer> entryWrites = new ArrayList<>();

    @Override
    public LogStorage logStorage() {
      return inner.logStorage();
    }

    @Override
    public void persist(Ready ready) {
      if (!ready.entries().isEmpty()) {
        entryWrites.add(ready.entries().size());
      }
      inner.persist(ready);
    }

    @Override
    public void writeSnapshot(SnapshotMetadata metadata, ImageWriter image) {
      inner.writeSnapshot(metadata, image);
    }

    @Override
    public void snapshotAndCompact(SnapshotMetadata metadata, long keep) {
      inner.snapshotAndCompact(metadata, keep);
    }

    @Override
    public SnapshotWriter receiveSnapshot(SnapshotMetadata metadata) {
      return inner.receiveSnapshot(metadata);
    }

    @Override
    public void installSnapshot(SnapshotMetadata metadata, SnapshotImage image) {
      inner.installSnapshot(metadata, image);
    }

    @Override
    public InputStream openSnapshot(SnapshotMetadata metadata) throws IOException {
      return inner.openSnapshot(metadata);
    }
  }

  @Test
  void proposalsOfOneLoopPassShareOneWrite() throws Exception {
    ManualExecutor pool = new ManualExecutor();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    CountingStorage storage = new CountingStorage();
    RaftGroup group =
        new RaftGroup(
            new GroupOptions("kv", Duration.ofHours(1), Duration.ofMinutes(1), 10_000, 100),
            RaftConfig.builder().id(1).build(),
            storage,
            new KvStateMachine(),
            messages -> {},
            pool,
            timer);
    try {
      group.campaign();
      pool.runAll();
      assertThat(group.isLeader()).isTrue();
      storage.entryWrites.clear();

      List<CompletableFuture<Object>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        futures.add(group.propose(KvStateMachine.command((byte) 1, "k" + i, "v", null)));
      }
      pool.runAll();
      for (CompletableFuture<Object> f : futures) {
        assertThat(f).isCompleted();
      }
      assertThat(storage.entryWrites).containsExactly(100);
    } finally {
      // close() waits for the loop, which runs only when this thread runs the pool.
      Thread closer = new Thread(group::close);
      closer.start();
      while (closer.isAlive()) {
        pool.runAll();
        Thread.sleep(1);
      }
      timer.shutdownNow();
    }
  }

  @Test
  void proposalsOfOneLoopPassTravelInOneAppendPerFollower() throws Exception {
    ManualExecutor pool = new ManualExecutor();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    List<Message> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    RaftGroup group =
        new RaftGroup(
            new GroupOptions("kv", Duration.ofHours(1), Duration.ofMinutes(1), 10_000, 100),
            RaftConfig.builder().id(1).build(),
            MemoryGroupStorage.bootstrap(
                ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build()),
            new KvStateMachine(),
            sent::addAll,
            pool,
            timer);
    try {
      // Win an election by hand: node 2 grants its vote, then acknowledges the leader's entry,
      // so that replication to it streams.
      group.campaign();
      pool.runAll();
      long term = group.status().term();
      group.receive(
          List.of(
              Message.newBuilder()
                  .setType(MessageType.MSG_REQUEST_VOTE_RESPONSE)
                  .setFrom(2)
                  .setTo(1)
                  .setTerm(term)
                  .build()));
      pool.runAll();
      assertThat(group.status().role()).isEqualTo(StateRole.LEADER);
      group.receive(
          List.of(
              Message.newBuilder()
                  .setType(MessageType.MSG_APPEND_RESPONSE)
                  .setFrom(2)
                  .setTo(1)
                  .setTerm(term)
                  .setIndex(group.status().lastIndex())
                  .build()));
      pool.runAll();
      sent.clear();

      for (int i = 0; i < 100; i++) {
        group.propose(KvStateMachine.command((byte) 1, "k" + i, "v", null));
      }
      pool.runAll();
      List<Message> appendsTo2 =
          sent.stream()
              .filter(m -> m.getType() == MessageType.MSG_APPEND && m.getTo() == 2)
              .toList();
      assertThat(appendsTo2).hasSize(1);
      assertThat(appendsTo2.get(0).getEntriesCount()).isEqualTo(100);
    } finally {
      Thread closer = new Thread(group::close);
      closer.start();
      while (closer.isAlive()) {
        pool.runAll();
        Thread.sleep(1);
      }
      timer.shutdownNow();
    }
  }
}
