package dev.raftboot.testkit.linearizability;

import java.util.List;
import java.util.Objects;

/**
 * A part of a history that can be checked on its own, typically the operations on one key.
 * Linearizability is local (Herlihy and Wing): a history is linearizable exactly when each of its
 * independent parts is, so splitting by key shrinks the search exponentially without changing the
 * verdict, provided no operation touches two parts.
 *
 * @param key a label naming the part in reports, such as the key
 * @param operations the operations of this part
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public record Partition<I, O>(String key, List<Operation<I, O>> operations) {

  /** The key used for a history that is checked as a single part. */
  public static final String WHOLE_HISTORY = "(whole history)";

  /** Copies {@code operations}. */
  public Partition {
    Objects.requireNonNull(key, "key");
    operations = List.copyOf(operations);
  }

  /** The whole history as one partition, keyed {@link #WHOLE_HISTORY}. */
  public static <I, O> Partition<I, O> whole(History<I, O> history) {
    return new Partition<>(WHOLE_HISTORY, history.operations());
  }
}
