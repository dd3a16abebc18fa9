package dev.raftboot.testkit.linearizability;

import java.util.List;
import java.util.Optional;

/**
 * The sequential specification a history is checked against: a deterministic state machine that
 * says, for each state, which outputs an input may produce and which state follows.
 *
 * <p>States must be immutable, non-null and implement {@link Object#equals(Object)} and {@link
 * Object#hashCode()} by value: the checker remembers every (set of linearized operations, state)
 * pair it has explored and prunes repeats, which is what keeps the search tractable.
 *
 * <p>Each step has at most one successor state. A system whose operations are nondeterministic
 * (say, a server-chosen id) fits by carrying the choice in the output, which the step then reads.
 *
 * <p>Implementations must be free of side effects; the checker calls them many times, in any order.
 *
 * @param <S> the state type
 * @param <I> the input type
 * @param <O> the output type
 */
public interface Model<S, I, O> {

  /** The state before any operation. */
  S init();

  /**
   * Applies a completed operation.
   *
   * @return the next state, or empty if {@code input} cannot produce {@code output} from {@code
   *     state}
   */
  Optional<S> step(S state, I input, O output);

  /**
   * Applies an operation whose output is unknown (see {@link Operation#ambiguous()}): the state
   * that follows if the operation takes effect in {@code state}. Return empty if it cannot take
   * effect there; the checker may still place it elsewhere or leave it out.
   */
  Optional<S> stepAmbiguous(S state, I input);

  /**
   * Splits a history into parts that can be checked independently, such as one per key. The default
   * keeps the whole history as one part; override it when operations on different parts never
   * affect each other, which makes checking dramatically cheaper.
   */
  default List<Partition<I, O>> partition(History<I, O> history) {
    return List.of(Partition.whole(history));
  }

  /**
   * A short human-readable rendering of an operation for reports, such as {@code get(x) -> 1}.
   *
   * @param output the output, or {@code null} if the operation is ambiguous
   */
  String describe(I input, O output);

  /** A short human-readable rendering of a state for reports. */
  default String describeState(S state) {
    return String.valueOf(state);
  }
}
