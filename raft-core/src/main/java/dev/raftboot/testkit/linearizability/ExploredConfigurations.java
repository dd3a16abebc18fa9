package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search configurations already explored (Lowe's memoization), with subsumption for ambiguous
 * operations.
 *
 * <p>A configuration is the set of operations placed so far plus the model state. Two paths
 * reaching the same configuration have the same future, so the second is pruned. Beyond that,
 * configuration (D, A, s) — completed operations D and ambiguous operations A placed, state s —
 * dominates every (D, A', s) with A' a superset of A: the remaining obligations are the same
 * completed operations, real-time constraints only ever point at completed operations, and an
 * ambiguous operation may always be left out, so any way to finish from (D, A', s) also finishes
 * from (D, A, s). Without this, every ambiguous write that never took effect would double the space
 * a failing search has to exhaust.
 *
 * <p>Per (D, s) the ambiguous sets kept form an antichain: adding a set drops its supersets.
 */
final class ExploredConfigurations {

  private record Key(BitSet placedCompleted, Object state) {}

  private final Map<Key, List<BitSet>> explored = new HashMap<>();

  /**
   * Records a configuration unless it, or one dominating it, was recorded before. The bit sets are
   * copied when stored, so callers may keep mutating theirs.
   *
   * @return {@code true} if the configuration is new and must be explored
   */
  boolean addIfNew(BitSet placedCompleted, BitSet placedAmbiguous, Object state) {
    List<BitSet> ambiguousSets = explored.get(new Key(placedCompleted, state));
    if (ambiguousSets == null) {
      ambiguousSets = new ArrayList<>(1);
      explored.put(new Key((BitSet) placedCompleted.clone(), state), ambiguousSets);
    } else {
      for (BitSet known : ambiguousSets) {
        if (isSubset(known, placedAmbiguous)) {
          return false;
        }
      }
      ambiguousSets.removeIf(known -> isSubset(placedAmbiguous, known));
    }
    ambiguousSets.add((BitSet) placedAmbiguous.clone());
    return true;
  }

  private static boolean isSubset(BitSet subset, BitSet superset) {
    for (int i = subset.nextSetBit(0); i >= 0; i = subset.nextSetBit(i + 1)) {
      if (!superset.get(i)) {
        return false;
      }
    }
    return true;
  }
}
