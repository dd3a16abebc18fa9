package dev.raftboot.node;

import dev.raftboot.core.Ready;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * Measures commit latency on a group's loop: when a batch of entries is appended here, its last
 * index and the time are noted; when the commit index reaches it, the elapsed time is reported. One
 * note per Ready, so the cost does not grow with the number of entries. Loop-only.
 */
final class CommitClock {
  private record Appended(long lastIndex, long atNanos) {}

  /** Bounds the memory of a follower that appends much more than it hears committed. */
  private static final int MAX_PENDING = 1024;

  private final ArrayDeque<Appended> pending = new ArrayDeque<>();

  /**
   * Called once a Ready is persisted: notes its appended entries and reports (to the group's commit
   * latency consumer, when one is set) those whose commit the Ready announces.
   */
  void onPersisted(Ready rd, GroupStats stats) {
    if (rd.snapshot().isPresent()) {
      clear();
      stats.logFirstIndex = rd.snapshot().get().getMetadata().getIndex() + 1;
      stats.lastSnapshotIndex = rd.snapshot().get().getMetadata().getIndex();
    }
    LongConsumer sink = stats.commitLatencyNanos;
    if (sink == null) {
      return;
    }
    long now = System.nanoTime();
    if (!rd.entries().isEmpty()) {
      appended(rd.entries().get(rd.entries().size() - 1).getIndex(), now);
    }
    rd.hardState().ifPresent(hs -> committed(hs.getCommit(), now, sink));
  }

  void appended(long lastIndex, long nowNanos) {
    if (pending.size() < MAX_PENDING) {
      pending.addLast(new Appended(lastIndex, nowNanos));
    }
  }

  void committed(long commitIndex, long nowNanos, LongConsumer sink) {
    while (!pending.isEmpty() && pending.peekFirst().lastIndex() <= commitIndex) {
      sink.accept(nowNanos - pending.pollFirst().atNanos());
    }
  }

  /** Entries appended earlier may be replaced (a new leader's log wins): forget them. */
  void clear() {
    pending.clear();
  }
}
