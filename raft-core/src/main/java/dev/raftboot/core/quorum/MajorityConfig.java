package dev.raftboot.core.quorum;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A set of voters that decides by simple majority. Immutable. */
public final class MajorityConfig {
  private static final MajorityConfig EMPTY = new MajorityConfig(Set.of());

  private final long[] ids;

  public MajorityConfig(Collection<Long> voters) {
    this.ids = new TreeSet<>(voters).stream().mapToLong(Long::longValue).toArray();
  }

  public static MajorityConfig empty() {
    return EMPTY;
  }

  public Set<Long> ids() {
    TreeSet<Long> set = new TreeSet<>();
    for (long id : ids) {
      set.add(id);
    }
    return set;
  }

  public int size() {
    return ids.length;
  }

  public boolean isEmpty() {
    return ids.length == 0;
  }

  public boolean contains(long id) {
    return Arrays.binarySearch(ids, id) >= 0;
  }

  /** Voter ids in ascending order; callers must not modify the array. */
  long[] sortedIds() {
    return ids;
  }

  /**
   * The largest index that a majority has acknowledged. An empty configuration returns
   * Long.MAX_VALUE so that it never holds back the other half of a joint configuration.
   */
  public long committedIndex(AckedIndexer acked) {
    int n = ids.length;
    if (n == 0) {
      return Long.MAX_VALUE;
    }
    long[] indexes = new long[n];
    for (int i = 0; i < n; i++) {
      long idx = acked.ackedIndex(ids[i]);
      indexes[i] = Math.max(idx, 0);
    }
    Arrays.sort(indexes);
    // With ascending order, the entry at n - (n/2 + 1) is held by n/2 + 1 voters.
    return indexes[n - (n / 2 + 1)];
  }

  /**
   * The election result given votes (id → granted); voters missing from the map have not answered
   * yet. An empty configuration wins, by convention, so joint quorums compose.
   */
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    if (ids.length == 0) {
      return VoteResult.WON;
    }
    int granted = 0;
    int missing = 0;
    for (long id : ids) {
      Boolean v = votes.get(id);
      if (v == null) {
        missing++;
      } else if (v) {
        granted++;
      }
    }
    int quorum = ids.length / 2 + 1;
    if (granted >= quorum) {
      return VoteResult.WON;
    }
    if (granted + missing >= quorum) {
      return VoteResult.PENDING;
    }
    return VoteResult.LOST;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MajorityConfig other && Arrays.equals(ids, other.ids);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return Arrays.toString(ids);
  }
}
