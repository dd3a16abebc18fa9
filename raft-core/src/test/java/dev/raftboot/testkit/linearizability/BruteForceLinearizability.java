package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An independent, obviously correct and exponentially slow oracle for tiny histories: tries every
 * order of every subset of the ambiguous operations together with all completed ones. Also
 * validates witnesses returned by the real checker.
 */
final class BruteForceLinearizability {

  private BruteForceLinearizability() {}

  /** Whether some order of the operations is legal for {@code model}. */
  static <S, I, O> boolean isLinearizable(Model<S, I, O> model, List<Operation<I, O>> operations) {
    return search(model, operations, new boolean[operations.size()], model.init());
  }

  private static <S, I, O> boolean search(
      Model<S, I, O> model, List<Operation<I, O>> operations, boolean[] placed, S state) {
    boolean allCompletedPlaced = true;
    for (int i = 0; i < operations.size(); i++) {
      allCompletedPlaced &= placed[i] || operations.get(i).ambiguous();
    }
    if (allCompletedPlaced) {
      return true;
    }
    for (int i = 0; i < operations.size(); i++) {
      if (placed[i] || !mayGoNext(operations, placed, i)) {
        continue;
      }
      Operation<I, O> operation = operations.get(i);
      Optional<S> next = step(model, state, operation);
      if (next.isPresent()) {
        placed[i] = true;
        boolean found = search(model, operations, placed, next.get());
        placed[i] = false;
        if (found) {
          return true;
        }
      }
    }
    return false;
  }

  /** Nothing unplaced responded strictly before candidate {@code i} was invoked. */
  private static boolean mayGoNext(
      List<? extends Operation<?, ?>> operations, boolean[] placed, int i) {
    for (int j = 0; j < operations.size(); j++) {
      if (!placed[j]
          && j != i
          && operations.get(j).responseTime() < operations.get(i).invocationTime()) {
        return false;
      }
    }
    return true;
  }

  private static <S, I, O> Optional<S> step(Model<S, I, O> model, S state, Operation<I, O> op) {
    return op.ambiguous()
        ? model.stepAmbiguous(state, op.input())
        : model.step(state, op.input(), op.output());
  }

  /**
   * Whether {@code witness} proves {@code operations} linearizable: it holds every completed
   * operation once, respects real-time order and replays through the model.
   */
  static <S, I, O> boolean isValidWitness(
      Model<S, I, O> model, List<Operation<I, O>> operations, List<Operation<I, O>> witness) {
    List<Operation<I, O>> remaining = new ArrayList<>(operations);
    S state = model.init();
    for (Operation<I, O> operation : witness) {
      if (!removeByIdentity(remaining, operation)) {
        return false;
      }
      for (Operation<I, O> other : remaining) {
        if (other.responseTime() < operation.invocationTime()) {
          return false;
        }
      }
      Optional<S> next = step(model, state, operation);
      if (next.isEmpty()) {
        return false;
      }
      state = next.get();
    }
    return remaining.stream().allMatch(Operation::ambiguous);
  }

  private static boolean removeByIdentity(List<?> list, Object element) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == element) {
        list.remove(i);
        return true;
      }
    }
    return false;
  }
}
