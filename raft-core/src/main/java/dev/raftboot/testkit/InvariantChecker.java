package dev.raftboot.testkit;

import com.google.protobuf.ByteString;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safety properties of Raft (paper §5.4, Figure 3), checked against what the simulated nodes
 * persist and apply. Each check returns a description of the violation, or null.
 */
final class InvariantChecker {
  private record IndexTerm(long index, long term) {}

  /** Election safety: the one leader of each term. */
  private final Map<Long, Long> leaderByTerm = new HashMap<>();

  /** Every entry known to be committed (some node applied it), by index. */
  private final TreeMap<Long, Entry> committed = new TreeMap<>();

  /** Log matching: the one entry of each (index, term) ever persisted. */
  private final Map<IndexTerm, ByteString> persistedEntries = new HashMap<>();

  /** The last hard state each node persisted, across crashes. */
  private final Map<Long, HardState> persistedHardState = new HashMap<>();

  /** The votes each node persisted, per term, across crashes. */
  private final Map<Long, Map<Long, Long>> votes = new HashMap<>();

  /** Per node incarnation: last commit and applied index seen. */
  private final Map<Long, Long> lastCommit = new HashMap<>();

  private final Map<Long, Long> lastApplied = new HashMap<>();

  /** The highest term in which each node was seen as leader and checked for completeness. */
  private final Map<Long, Long> completenessCheckedTerm = new HashMap<>();

  int terms() {
    return leaderByTerm.size();
  }

  long highestCommitted() {
    return committed.isEmpty() ? 0 : committed.lastKey();
  }

  /** A node restarted: its volatile indexes start over from what it persisted. */
  void onRestart(long node, long snapshotIndex) {
    HardState hs = persistedHardState.get(node);
    lastCommit.put(node, hs == null ? 0 : hs.getCommit());
    lastApplied.put(node, snapshotIndex);
  }

  String onPersistHardState(long node, HardState hs) {
    HardState prev = persistedHardState.get(node);
    if (prev != null) {
      if (hs.getTerm() < prev.getTerm()) {
        return "node " + node + " persisted term " + hs.getTerm() + " after " + prev.getTerm();
      }
      if (hs.getCommit() < prev.getCommit()) {
        return "node "
            + node
            + " persisted commit "
            + hs.getCommit()
            + " after "
            + prev.getCommit()
            + ": commit went backwards";
      }
    }
    if (hs.getVote() != 0) {
      Map<Long, Long> byTerm = votes.computeIfAbsent(node, k -> new HashMap<>());
      Long earlier = byTerm.putIfAbsent(hs.getTerm(), hs.getVote());
      if (earlier != null && earlier != hs.getVote()) {
        return "node "
            + node
            + " voted for "
            + earlier
            + " and then for "
            + hs.getVote()
            + " in term "
            + hs.getTerm();
      }
    }
    persistedHardState.put(node, hs);
    return null;
  }

  String onPersistEntries(long node, List<Entry> entries) {
    for (Entry e : entries) {
      ByteString prev =
          persistedEntries.putIfAbsent(new IndexTerm(e.getIndex(), e.getTerm()), e.getData());
      if (prev != null && !prev.equals(e.getData())) {
        return "log matching: node "
            + node
            + " persisted a different entry at index "
            + e.getIndex()
            + " term "
            + e.getTerm();
      }
    }
    return null;
  }

  /**
   * A node persisted a commit index: every entry up to it in its log is committed, and must be the
   * entry every other node has or will have there, whether or not anyone applied it yet.
   */
  String onCommitted(long node, Entry e) {
    Entry c = committed.putIfAbsent(e.getIndex(), e);
    if (c != null && !c.equals(e)) {
      return "committed entry changed: node "
          + node
          + " has "
          + describe(e)
          + " at a committed index where "
          + describe(c)
          + " was committed before";
    }
    return null;
  }

  /** State machine safety: every node applies the same entry at each index, in order. */
  String onApply(long node, Entry e) {
    long prev = lastApplied.getOrDefault(node, 0L);
    if (e.getIndex() != prev + 1) {
      return "node " + node + " applied index " + e.getIndex() + " right after " + prev;
    }
    lastApplied.put(node, e.getIndex());
    Entry c = committed.putIfAbsent(e.getIndex(), e);
    if (c != null && !c.equals(e)) {
      return "state machine safety: node "
          + node
          + " applied "
          + describe(e)
          + " but "
          + describe(c)
          + " was applied at that index before";
    }
    return null;
  }

  String onApplySnapshot(long node, long index) {
    long prev = lastApplied.getOrDefault(node, 0L);
    if (index < prev) {
      return "node " + node + " applied a snapshot at " + index + " after applying " + prev;
    }
    lastApplied.put(node, index);
    return null;
  }

  /** Election safety and monotonic commit, from a node's status after a step. */
  String onStatus(Status st) {
    if (st.role() == StateRole.LEADER) {
      Long prev = leaderByTerm.putIfAbsent(st.term(), st.id());
      if (prev != null && prev != st.id()) {
        return "election safety: " + prev + " and " + st.id() + " both lead term " + st.term();
      }
    }
    long prevCommit = lastCommit.getOrDefault(st.id(), 0L);
    if (st.commit() < prevCommit) {
      return "node " + st.id() + " commit went from " + prevCommit + " to " + st.commit();
    }
    lastCommit.put(st.id(), st.commit());
    return null;
  }

  /**
   * Leader completeness (§5.4): a leader's log holds every committed entry. Checked once per term,
   * after the leader persisted its first Ready of the term (its whole log is then stored).
   */
  String checkLeaderCompleteness(Status st, MemoryLogStorage storage) {
    if (st.role() != StateRole.LEADER
        || completenessCheckedTerm.getOrDefault(st.id(), -1L) >= st.term()) {
      return null;
    }
    completenessCheckedTerm.put(st.id(), st.term());
    long first = storage.firstIndex();
    long last = storage.lastIndex();
    for (Map.Entry<Long, Entry> c : committed.tailMap(first, true).entrySet()) {
      long index = c.getKey();
      if (index > last) {
        return "leader completeness: leader "
            + st.id()
            + " of term "
            + st.term()
            + " lacks committed entry "
            + index
            + " (its log ends at "
            + last
            + ")";
      }
      if (storage.term(index) != c.getValue().getTerm()) {
        return "leader completeness: leader "
            + st.id()
            + " of term "
            + st.term()
            + " has term "
            + storage.term(index)
            + " at committed index "
            + index
            + ", committed term is "
            + c.getValue().getTerm();
      }
    }
    return null;
  }

  /** Log matching over whole logs: where two logs agree on a term, they agree before it. */
  static String checkLogMatching(long a, MemoryLogStorage la, long b, MemoryLogStorage lb) {
    long lo = Math.max(la.firstIndex(), lb.firstIndex());
    long hi = Math.min(la.lastIndex(), lb.lastIndex());
    long agree = -1;
    for (long i = hi; i >= lo; i--) {
      if (la.term(i) == lb.term(i)) {
        agree = i;
        break;
      }
    }
    for (long i = lo; i < agree; i++) {
      if (la.term(i) != lb.term(i)) {
        return "log matching: nodes "
            + a
            + " and "
            + b
            + " agree at index "
            + agree
            + " but differ at "
            + i;
      }
    }
    return null;
  }

  private static String describe(Entry e) {
    return "[index " + e.getIndex() + " term " + e.getTerm() + " " + e.getType() + "]";
  }
}
