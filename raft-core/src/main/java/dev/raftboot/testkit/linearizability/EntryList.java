package dev.raftboot.testkit.linearizability;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The call and return events of one partition in real-time order, as a doubly linked list from
 * which a linearized operation's two events can be unlinked and later relinked in O(1) ("lift" and
 * "unlift" in Lowe's formulation; the same trick as Knuth's dancing links).
 *
 * <p>Event order: by time; at equal times calls come before returns, which makes an operation that
 * responds at {@code t} concurrent with one invoked at {@code t} (see {@link Operation}); remaining
 * ties are broken by operation index so the search is deterministic. The returns of ambiguous
 * operations come after every other event, because they may take effect arbitrarily late.
 */
final class EntryList {

  /** One call or return event. */
  static final class Entry {
    /** Index of the operation in its partition. */
    final int operation;

    final boolean call;
    final boolean ambiguous;
    final long time;

    /** For a call, the matching return. */
    Entry match;

    Entry previous;
    Entry next;

    Entry(int operation, boolean call, boolean ambiguous, long time) {
      this.operation = operation;
      this.call = call;
      this.ambiguous = ambiguous;
      this.time = time;
    }

    boolean isAmbiguousReturn() {
      return !call && ambiguous;
    }
  }

  private static final Comparator<Entry> REAL_TIME_ORDER =
      Comparator.<Entry>comparingInt(e -> e.isAmbiguousReturn() ? 1 : 0)
          .thenComparingLong(e -> e.time)
          .thenComparingInt(e -> e.call ? 0 : 1)
          .thenComparingInt(e -> e.operation);

  /** Sentinel before the first event, so unlinking never special-cases the head. */
  private final Entry head = new Entry(-1, false, false, Long.MIN_VALUE);

  private EntryList() {}

  static EntryList of(List<? extends Operation<?, ?>> operations) {
    Entry[] events = new Entry[operations.size() * 2];
    for (int i = 0; i < operations.size(); i++) {
      Operation<?, ?> operation = operations.get(i);
      Entry call = new Entry(i, true, operation.ambiguous(), operation.invocationTime());
      Entry ret = new Entry(i, false, operation.ambiguous(), operation.responseTime());
      call.match = ret;
      events[2 * i] = call;
      events[2 * i + 1] = ret;
    }
    Arrays.sort(events, REAL_TIME_ORDER);
    EntryList list = new EntryList();
    Entry previous = list.head;
    for (Entry event : events) {
      previous.next = event;
      event.previous = previous;
      previous = event;
    }
    return list;
  }

  /** The earliest remaining event, or {@code null} if none remain. */
  Entry first() {
    return head.next;
  }

  /** Unlinks a call and its return. The entries keep their own links for {@link #unlift}. */
  void lift(Entry call) {
    unlink(call);
    unlink(call.match);
  }

  /** Relinks a call lifted most recently among those still lifted, and its return. */
  void unlift(Entry call) {
    relink(call.match);
    relink(call);
  }

  private static void unlink(Entry entry) {
    entry.previous.next = entry.next;
    if (entry.next != null) {
      entry.next.previous = entry.previous;
    }
  }

  private static void relink(Entry entry) {
    entry.previous.next = entry;
    if (entry.next != null) {
      entry.next.previous = entry;
    }
  }
}
