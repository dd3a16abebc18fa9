package dev.raftboot.testkit.linearizability;

import dev.raftboot.testkit.linearizability.EntryList.Entry;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether one partition is linearizable: Wing and Gong's depth-first search over the order
 * in which operations take effect, with Lowe's memoization of explored configurations (see {@link
 * ExploredConfigurations}). The search is iterative so that histories of any length run in constant
 * stack depth.
 *
 * <p>The candidates to take effect next are the calls listed before the first remaining return:
 * every operation that must precede them has been placed. Completed candidates are tried first and
 * ambiguous ones only after them, because a configuration with fewer ambiguous operations placed
 * dominates one with more, and exploring the dominant one first lets the memo prune the rest. When
 * a candidate is accepted by the model and leads to a new configuration it is lifted out of the
 * list and the scan restarts at the head. When no candidate works, the operation of that first
 * return cannot be placed before its response, so the search backtracks. Reaching the end of the
 * list, or the returns of ambiguous operations that sit after everything else, means every
 * completed operation was placed.
 *
 * @param <S> the model's state type
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
final class PartitionSearch<S, I, O> {

  private final Model<S, I, O> model;
  private final Partition<I, O> partition;
  private final List<Operation<I, O>> operations;
  private final SearchBudget budget;

  /** The calls placed so far, in order, and the state before each. */
  private final Entry[] pathCalls;

  private final Object[] pathStatesBefore;
  private int depth;

  private final DeadEnd deepestDeadEnd = new DeadEnd();

  /** The deepest point at which the search had to backtrack, kept for the report. */
  private static final class DeadEnd {
    int depth = -1;
    int[] order = new int[0];
    Object state;
    int blockingOperation;
    int[] unplaced = new int[0];
  }

  PartitionSearch(Model<S, I, O> model, Partition<I, O> partition, SearchBudget budget) {
    this.model = model;
    this.partition = partition;
    this.operations = partition.operations();
    this.budget = budget;
    this.pathCalls = new Entry[operations.size()];
    this.pathStatesBefore = new Object[operations.size()];
  }

  PartitionResult<I, O> run() {
    EntryList events = EntryList.of(operations);
    ExploredConfigurations explored = new ExploredConfigurations();
    BitSet placedCompleted = new BitSet(operations.size());
    BitSet placedAmbiguous = new BitSet(operations.size());
    S state = model.init();
    explored.addIfNew(placedCompleted, placedAmbiguous, state);
    Entry entry = events.first();
    boolean tryingAmbiguous = false;
    while (true) {
      if (entry == null || entry.isAmbiguousReturn()) {
        // Every completed operation is placed; unplaced ambiguous ones simply never took effect.
        return PartitionResult.linearizable(
            partition.key(), operations.size(), path(), model.describeState(state));
      }
      if (entry.call) {
        if (entry.ambiguous != tryingAmbiguous) {
          entry = entry.next;
          continue;
        }
        if (!budget.trySpendStep()) {
          return PartitionResult.unknown(partition.key(), operations.size());
        }
        Optional<S> next = apply(state, operations.get(entry.operation));
        BitSet placed = entry.ambiguous ? placedAmbiguous : placedCompleted;
        if (next.isPresent()) {
          placed.set(entry.operation);
          if (explored.addIfNew(placedCompleted, placedAmbiguous, next.get())) {
            pathCalls[depth] = entry;
            pathStatesBefore[depth] = state;
            depth++;
            state = next.get();
            events.lift(entry);
            entry = events.first();
            tryingAmbiguous = false;
            continue;
          }
          placed.clear(entry.operation);
        }
        entry = entry.next;
      } else if (!tryingAmbiguous) {
        // The completed candidates are exhausted; now the ambiguous ones before this return.
        tryingAmbiguous = true;
        entry = events.first();
      } else {
        rememberIfDeepest(events, entry, state);
        if (depth == 0) {
          return notLinearizable();
        }
        depth--;
        Entry undone = pathCalls[depth];
        state = stateBefore(depth);
        (undone.ambiguous ? placedAmbiguous : placedCompleted).clear(undone.operation);
        events.unlift(undone);
        // Resume with the candidates after the undone one, in the same pass it was tried in.
        entry = undone.next;
        tryingAmbiguous = undone.ambiguous;
      }
    }
  }

  private Optional<S> apply(S state, Operation<I, O> operation) {
    return operation.ambiguous()
        ? model.stepAmbiguous(state, operation.input())
        : model.step(state, operation.input(), operation.output());
  }

  @SuppressWarnings("unchecked") // only states of type S are ever stored
  private S stateBefore(int index) {
    return (S) pathStatesBefore[index];
  }

  private List<Operation<I, O>> path() {
    List<Operation<I, O>> order = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      order.add(operations.get(pathCalls[i].operation));
    }
    return order;
  }

  /**
   * Copies the current path when this dead end is deeper than any before. Depth only grows to the
   * partition size, so the copying costs at most quadratic time over a whole search.
   */
  private void rememberIfDeepest(EntryList events, Entry blockingReturn, S state) {
    if (depth <= deepestDeadEnd.depth) {
      return;
    }
    deepestDeadEnd.depth = depth;
    deepestDeadEnd.order = new int[depth];
    for (int i = 0; i < depth; i++) {
      deepestDeadEnd.order[i] = pathCalls[i].operation;
    }
    deepestDeadEnd.state = state;
    deepestDeadEnd.blockingOperation = blockingReturn.operation;
    // Every call still listed before the blocked return was a candidate for the next slot.
    List<Integer> candidates = new ArrayList<>();
    for (Entry e = events.first(); e != blockingReturn; e = e.next) {
      if (e.call) {
        candidates.add(e.operation);
      }
    }
    deepestDeadEnd.unplaced = candidates.stream().mapToInt(Integer::intValue).toArray();
  }

  @SuppressWarnings("unchecked") // only states of type S are ever stored
  private PartitionResult<I, O> notLinearizable() {
    List<Operation<I, O>> prefix = new ArrayList<>();
    for (int operation : deepestDeadEnd.order) {
      prefix.add(operations.get(operation));
    }
    List<Operation<I, O>> unplaced = new ArrayList<>();
    for (int operation : deepestDeadEnd.unplaced) {
      unplaced.add(operations.get(operation));
    }
    return PartitionResult.notLinearizable(
        partition.key(),
        operations.size(),
        prefix,
        model.describeState((S) deepestDeadEnd.state),
        operations.get(deepestDeadEnd.blockingOperation),
        unplaced);
  }
}
