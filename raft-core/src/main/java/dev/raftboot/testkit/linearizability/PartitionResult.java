package dev.raftboot.testkit.linearizability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict for one {@link Partition}, with the evidence a reader needs to understand it.
 *
 * <p>For {@link Verdict#NOT_LINEARIZABLE} the evidence is taken at the deepest point the search
 * reached: {@link #linearization()} is the longest prefix of the history that could be ordered,
 * {@link #blockingOperation()} is the operation whose response arrived before any order could place
 * it, and {@link #unplacedOperations()} are all operations that were invoked but could not be
 * placed next at that point (the blocking one among them). Any correct linearization would have had
 * to place one of them.
 *
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public final class PartitionResult<I, O> {

  private final String key;
  private final Verdict verdict;
  private final int operationCount;
  private final List<Operation<I, O>> linearization;
  private final String stateAfterLinearization;
  private final Operation<I, O> blockingOperation;
  private final List<Operation<I, O>> unplacedOperations;

  private PartitionResult(
      String key,
      Verdict verdict,
      int operationCount,
      List<Operation<I, O>> linearization,
      String stateAfterLinearization,
      Operation<I, O> blockingOperation,
      List<Operation<I, O>> unplacedOperations) {
    this.key = Objects.requireNonNull(key, "key");
    this.verdict = verdict;
    this.operationCount = operationCount;
    this.linearization = List.copyOf(linearization);
    this.stateAfterLinearization = stateAfterLinearization;
    this.blockingOperation = blockingOperation;
    this.unplacedOperations = List.copyOf(unplacedOperations);
  }

  static <I, O> PartitionResult<I, O> linearizable(
      String key, int operationCount, List<Operation<I, O>> witness, String finalState) {
    return new PartitionResult<>(
        key, Verdict.LINEARIZABLE, operationCount, witness, finalState, null, List.of());
  }

  static <I, O> PartitionResult<I, O> notLinearizable(
      String key,
      int operationCount,
      List<Operation<I, O>> longestPrefix,
      String stateAfterPrefix,
      Operation<I, O> blockingOperation,
      List<Operation<I, O>> unplacedOperations) {
    return new PartitionResult<>(
        key,
        Verdict.NOT_LINEARIZABLE,
        operationCount,
        longestPrefix,
        stateAfterPrefix,
        Objects.requireNonNull(blockingOperation, "blockingOperation"),
        unplacedOperations);
  }

  static <I, O> PartitionResult<I, O> unknown(String key, int operationCount) {
    return new PartitionResult<>(
        key, Verdict.UNKNOWN, operationCount, List.of(), null, null, List.of());
  }

  /** The partition's key, as given by {@link Model#partition}. */
  public String key() {
    return key;
  }

  public Verdict verdict() {
    return verdict;
  }

  /** How many operations the partition holds. */
  public int operationCount() {
    return operationCount;
  }

  /**
   * The order found. For {@link Verdict#LINEARIZABLE}, a complete witness: every completed
   * operation in an order the model accepts, with ambiguous operations that were left out omitted.
   * For {@link Verdict#NOT_LINEARIZABLE}, the longest linearizable prefix found. Empty for {@link
   * Verdict#UNKNOWN}.
   */
  public List<Operation<I, O>> linearization() {
    return linearization;
  }

  /**
   * The model state after {@link #linearization()}, rendered by {@link Model#describeState}; empty
   * for {@link Verdict#UNKNOWN}.
   */
  public Optional<String> stateAfterLinearization() {
    return Optional.ofNullable(stateAfterLinearization);
  }

  /**
   * For {@link Verdict#NOT_LINEARIZABLE}, the operation that responded before it could be placed
   * after {@link #linearization()}; empty otherwise.
   */
  public Optional<Operation<I, O>> blockingOperation() {
    return Optional.ofNullable(blockingOperation);
  }

  /**
   * For {@link Verdict#NOT_LINEARIZABLE}, the operations invoked but not placeable right after
   * {@link #linearization()}, in invocation order, including {@link #blockingOperation()}; empty
   * otherwise.
   */
  public List<Operation<I, O>> unplacedOperations() {
    return unplacedOperations;
  }

  @Override
  public String toString() {
    return "PartitionResult[" + key + ": " + verdict + ", " + operationCount + " operations]";
  }
}
