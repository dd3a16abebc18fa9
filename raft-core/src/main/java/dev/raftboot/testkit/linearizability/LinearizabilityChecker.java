package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks whether a concurrent history is linearizable with respect to a sequential {@link Model}:
 * whether every completed operation can be given a single point in time, within its own
 * invocation-response interval, at which it took effect, such that replaying the operations in that
 * order through the model yields exactly the outputs the clients observed. Ambiguous operations may
 * take effect at any point after their invocation or not at all.
 *
 * <p>The history is first split by {@link Model#partition}; each part is then searched
 * independently (see the package documentation for the algorithm). The checker is stateless and
 * thread-safe as long as the model is.
 *
 * <p><b>Cost.</b> The problem is NP-complete, but for histories from a handful of clients the
 * search is close to linear in the number of operations: what it has to explore grows with the
 * number of operations that overlap in time, not with the history's length. Ambiguous operations
 * are the expensive exception, because each one stays a candidate from its invocation to the end of
 * the history: a partition holding dozens of timed-out writes whose effects were never observed can
 * make a failing search exponential. Pass {@link SearchLimits} when histories may look like that;
 * the verdict is then {@link Verdict#UNKNOWN} rather than a hang.
 */
public final class LinearizabilityChecker {

  private LinearizabilityChecker() {}

  /** Checks {@code history} against {@code model} with no limit on search effort. */
  public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, History<I, O> history) {
    return check(model, history, SearchLimits.none());
  }

  /**
   * Checks {@code history} against {@code model}, giving up with {@link Verdict#UNKNOWN} for the
   * partitions not decided when {@code limits} are reached.
   */
  public static <S, I, O> CheckResult<I, O> check(
      Model<S, I, O> model, History<I, O> history, SearchLimits limits) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(history, "history");
    SearchBudget budget = new SearchBudget(Objects.requireNonNull(limits, "limits"));
    List<PartitionResult<I, O>> results = new ArrayList<>();
    for (Partition<I, O> partition : model.partition(history)) {
      // Keep deciding the remaining partitions after a violation: a report naming every broken
      // key says more about the bug than one naming the first.
      results.add(
          budget.exhausted()
              ? PartitionResult.unknown(partition.key(), partition.operations().size())
              : new PartitionSearch<>(model, partition, budget).run());
    }
    return new CheckResult<>(results, budget.stepsSpent(), model::describe);
  }
}
