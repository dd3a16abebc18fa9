package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Records a history as concurrent clients run operations against a system under test.
 *
 * <p>A client calls {@link #invoke} just before sending a request and, exactly once per handle, one
 * of: {@link #complete} just after the response arrives, {@link #fail} if the operation definitely
 * did not take effect (it is then left out of the history), or {@link #timeout} if the outcome is
 * unknown (it becomes an {@linkplain Operation#ambiguous() ambiguous} operation). Taking the
 * invocation time before the request and the response time after the reply only widens intervals,
 * which can hide a violation but never invent one.
 *
 * <p>All methods are thread-safe. The clock is read while holding the recorder's lock, so a
 * simulation may pass a non-thread-safe logical clock, and timestamps follow the order in which
 * calls were made. The clock must never go backwards.
 *
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public final class HistoryRecorder<I, O> {

  /** An operation that has been invoked and not yet resolved. Obtain from {@link #invoke}. */
  public static final class Invocation<I> {
    private final HistoryRecorder<I, ?> recorder;
    private final int index;
    private final int clientId;
    private final I input;

    private Invocation(HistoryRecorder<I, ?> recorder, int index, int clientId, I input) {
      this.recorder = recorder;
      this.index = index;
      this.clientId = clientId;
      this.input = input;
    }

    public int clientId() {
      return clientId;
    }

    public I input() {
      return input;
    }

    @Override
    public String toString() {
      return "Invocation[client " + clientId + ": " + input + "]";
    }
  }

  private enum Status {
    PENDING,
    COMPLETED,
    FAILED,
    TIMED_OUT
  }

  /** Mutable bookkeeping for one invocation; guarded by the recorder's lock. */
  private static final class Slot<I, O> {
    final int clientId;
    final I input;
    final long invocationTime;
    Status status = Status.PENDING;
    O output;
    long responseTime;

    Slot(int clientId, I input, long invocationTime) {
      this.clientId = clientId;
      this.input = input;
      this.invocationTime = invocationTime;
    }
  }

  private final LongSupplier clock;
  private final List<Slot<I, O>> slots = new ArrayList<>();

  /** A recorder timestamping with {@link System#nanoTime()}. */
  public HistoryRecorder() {
    this(System::nanoTime);
  }

  /** A recorder timestamping with {@code clock}, such as a simulation's logical time. */
  public HistoryRecorder(LongSupplier clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records that {@code clientId} is about to issue {@code input}. */
  public synchronized Invocation<I> invoke(int clientId, I input) {
    Objects.requireNonNull(input, "input");
    slots.add(new Slot<>(clientId, input, clock.getAsLong()));
    return new Invocation<>(this, slots.size() - 1, clientId, input);
  }

  /** Records that the operation completed with {@code output}. */
  public synchronized void complete(Invocation<I> invocation, O output) {
    Slot<I, O> slot = resolve(invocation, Status.COMPLETED);
    slot.output = output;
    // A clock that steps back would make an interval invalid; clamping keeps it well formed.
    slot.responseTime = Math.max(clock.getAsLong(), slot.invocationTime);
  }

  /** Records that the operation definitely did not take effect; it is left out of the history. */
  public synchronized void fail(Invocation<I> invocation) {
    resolve(invocation, Status.FAILED);
  }

  /** Records that the outcome is unknown: the operation may or may not have taken effect. */
  public synchronized void timeout(Invocation<I> invocation) {
    resolve(invocation, Status.TIMED_OUT);
  }

  private Slot<I, O> resolve(Invocation<I> invocation, Status status) {
    Objects.requireNonNull(invocation, "invocation");
    if (invocation.recorder != this) {
      throw new IllegalArgumentException(invocation + " was not invoked on this recorder");
    }
    Slot<I, O> slot = slots.get(invocation.index);
    if (slot.status != Status.PENDING) {
      throw new IllegalStateException(invocation + " was already resolved as " + slot.status);
    }
    slot.status = status;
    return slot;
  }

  /**
   * A snapshot of the history so far, in invocation order. Operations still pending are included as
   * ambiguous, since they may already have taken effect; failed ones are left out.
   */
  public synchronized History<I, O> history() {
    List<Operation<I, O>> operations = new ArrayList<>(slots.size());
    for (Slot<I, O> slot : slots) {
      switch (slot.status) {
        case COMPLETED ->
            operations.add(
                Operation.completed(
                    slot.clientId,
                    slot.input,
                    slot.output,
                    slot.invocationTime,
                    slot.responseTime));
        case PENDING, TIMED_OUT ->
            operations.add(Operation.ambiguous(slot.clientId, slot.input, slot.invocationTime));
        case FAILED -> {
          // Definitely never took effect, so it constrains nothing.
        }
      }
    }
    return History.of(operations);
  }
}
