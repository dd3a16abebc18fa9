package dev.raftboot.testkit;

import dev.raftboot.node.StateMachine;
import dev.raftboot.testkit.linearizability.Model;
import java.util.SplittableRandom;

/**
 * What the clients of a {@link Simulation} do, and how to judge their results: a state machine to
 * replicate, the operations to throw at it, and the {@link Model} that says which results are
 * linearizable. Implement it to simulate your own {@link StateMachine}.
 *
 * @param <I> operation inputs, as the model knows them
 * @param <O> operation outputs, as the model knows them
 */
public interface Workload<I, O> {
  /** A fresh, empty state machine (one per node, and again after every crash). */
  StateMachine newStateMachine();

  /** The sequential specification the recorded history is checked against. */
  Model<?, I, O> model();

  /** The next operation a client issues. Use only {@code random} for choices. */
  I nextOperation(SplittableRandom random);

  /** Whether the operation is served by a linearizable read (ReadIndex) instead of the log. */
  boolean isRead(I input);

  /** The command a write is proposed as. */
  byte[] encode(I input);

  /** The output a client sees for a write, given what {@link StateMachine#apply} returned. */
  O writeOutput(I input, Object applyResult);

  /** Serves a read from a state machine that has applied at least the read index. */
  O read(StateMachine stateMachine, I input);
}
