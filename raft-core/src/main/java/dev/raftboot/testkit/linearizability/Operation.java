package dev.raftboot.testkit.linearizability;

import java.util.Objects;

/**
 * One client operation of a history: what a client asked for, what it was told, and the real-time
 * interval during which the operation was outstanding.
 *
 * <p><b>Timestamps.</b> {@code invocationTime} must be taken no later than the request left the
 * client and {@code responseTime} no earlier than the response arrived; widening an interval can
 * only hide violations, never invent one. Any monotonic unit works (nanoseconds, simulation ticks)
 * as long as all operations of one history share it. Intervals are closed: an operation that
 * responds at time {@code t} and one invoked at the same {@code t} are treated as
 * <em>concurrent</em>, so either may be linearized first. This is the conservative reading of
 * coarse clocks: a {@code NOT_LINEARIZABLE} verdict never depends on how a tie was broken.
 *
 * <p><b>Ambiguous operations.</b> An operation whose outcome the client never learned (it timed
 * out, the connection dropped) is created with {@link #ambiguous(int, Object, long)}. It has {@link
 * #ambiguous()} {@code true}, {@link #output()} {@code null} and {@link #responseTime()} {@link
 * Long#MAX_VALUE}. The checker may linearize it at any point after its invocation, with the effect
 * {@link Model#stepAmbiguous(Object, Object)} gives, or leave it out entirely (it never took
 * effect). An operation that definitely did not take effect should simply not be in the history.
 *
 * @param clientId the client (process) that issued the operation; used in reports only
 * @param input what the client asked for
 * @param output what the client was told; {@code null} for ambiguous operations, and may also be
 *     {@code null} for completed operations of models whose outputs carry no information
 * @param invocationTime when the operation was invoked
 * @param responseTime when the response was received; {@link Long#MAX_VALUE} if ambiguous
 * @param ambiguous whether the outcome is unknown
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public record Operation<I, O>(
    int clientId, I input, O output, long invocationTime, long responseTime, boolean ambiguous) {

  /** Validates the invariants documented on the type. */
  public Operation {
    Objects.requireNonNull(input, "input");
    if (responseTime < invocationTime) {
      throw new IllegalArgumentException(
          "response time " + responseTime + " precedes invocation time " + invocationTime);
    }
    if (ambiguous && (output != null || responseTime != Long.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "an ambiguous operation has no output and responseTime Long.MAX_VALUE");
    }
  }

  /** An operation that completed: the client received {@code output} at {@code responseTime}. */
  public static <I, O> Operation<I, O> completed(
      int clientId, I input, O output, long invocationTime, long responseTime) {
    return new Operation<>(clientId, input, output, invocationTime, responseTime, false);
  }

  /**
   * An operation whose outcome is unknown: it may have taken effect at any time after {@code
   * invocationTime}, or never.
   */
  public static <I, O> Operation<I, O> ambiguous(int clientId, I input, long invocationTime) {
    return new Operation<>(clientId, input, null, invocationTime, Long.MAX_VALUE, true);
  }
}
