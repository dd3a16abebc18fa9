package dev.raftboot.testkit.linearizability;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The outcome of {@link LinearizabilityChecker#check}: an overall {@link Verdict} and one {@link
 * PartitionResult} per partition.
 *
 * <p>The overall verdict is {@link Verdict#NOT_LINEARIZABLE} if any partition is, otherwise {@link
 * Verdict#UNKNOWN} if any partition's search hit its limits, otherwise {@link
 * Verdict#LINEARIZABLE}. A {@code NOT_LINEARIZABLE} verdict is always backed by an exhaustive
 * search of the failing partition, so it is never a consequence of a search limit.
 *
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public final class CheckResult<I, O> {

  private final Verdict verdict;
  private final List<PartitionResult<I, O>> partitions;
  private final long modelSteps;
  private final BiFunction<I, O, String> operationDescriber;

  CheckResult(
      List<PartitionResult<I, O>> partitions,
      long modelSteps,
      BiFunction<I, O, String> operationDescriber) {
    this.partitions = List.copyOf(partitions);
    this.verdict = combine(this.partitions);
    this.modelSteps = modelSteps;
    this.operationDescriber = operationDescriber;
  }

  private static Verdict combine(List<? extends PartitionResult<?, ?>> partitions) {
    boolean unknown = false;
    for (PartitionResult<?, ?> partition : partitions) {
      if (partition.verdict() == Verdict.NOT_LINEARIZABLE) {
        return Verdict.NOT_LINEARIZABLE;
      }
      unknown |= partition.verdict() == Verdict.UNKNOWN;
    }
    return unknown ? Verdict.UNKNOWN : Verdict.LINEARIZABLE;
  }

  public Verdict verdict() {
    return verdict;
  }

  /** Whether the verdict is {@link Verdict#LINEARIZABLE}. */
  public boolean isLinearizable() {
    return verdict == Verdict.LINEARIZABLE;
  }

  /** One result per partition, in the order {@link Model#partition} returned them. */
  public List<PartitionResult<I, O>> partitions() {
    return partitions;
  }

  /** The partitions found not linearizable. */
  public List<PartitionResult<I, O>> violations() {
    return partitions.stream().filter(p -> p.verdict() == Verdict.NOT_LINEARIZABLE).toList();
  }

  /** How many times the search stepped the model, a deterministic measure of effort. */
  public long modelSteps() {
    return modelSteps;
  }

  /**
   * A multi-line report: the verdict, and for every partition that is not linearizable the longest
   * linearizable prefix and the operations that could not be placed after it.
   */
  public String describe() {
    return new ReportFormatter<>(operationDescriber).format(this);
  }

  @Override
  public String toString() {
    return "CheckResult["
        + verdict
        + ", "
        + partitions.size()
        + " partitions, "
        + violations().size()
        + " violations]";
  }
}
