package dev.raftboot.testkit.linearizability;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable collection of operations to check. Order carries no meaning: the real-time order
 * comes from each operation's timestamps alone.
 *
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public final class History<I, O> {

  private final List<Operation<I, O>> operations;

  private History(List<Operation<I, O>> operations) {
    this.operations = List.copyOf(operations);
  }

  /** A history of the given operations (copied; no element may be {@code null}). */
  public static <I, O> History<I, O> of(List<Operation<I, O>> operations) {
    return new History<>(operations);
  }

  /** A history of the given operations (no element may be {@code null}). */
  @SafeVarargs
  public static <I, O> History<I, O> of(Operation<I, O>... operations) {
    return new History<>(Arrays.asList(operations));
  }

  /** The operations, unmodifiable. */
  public List<Operation<I, O>> operations() {
    return operations;
  }

  /** The number of operations. */
  public int size() {
    return operations.size();
  }

  @Override
  public String toString() {
    return "History[" + operations.size() + " operations]";
  }
}
