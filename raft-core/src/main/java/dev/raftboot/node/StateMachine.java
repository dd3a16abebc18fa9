package dev.raftboot.node;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application's replicated state. Every node applies the same commands in the same order, so
 * every node's state machine goes through the same states.
 *
 * <p>Implementations must be deterministic: {@link #apply} may depend only on the current state and
 * the command (no clocks, no randomness, no I/O whose result differs between nodes).
 */
public interface StateMachine {
  /**
   * Applies one committed command. Called in log order, once per entry (again after a restart only
   * for entries after the snapshot the state was restored from).
   *
   * @return the result handed to the client that proposed the command
   */
  Object apply(long index, byte[] command);

  /**
   * Writes a consistent point-in-time image of the whole state. I/O failures are reported as {@link
   * java.io.UncheckedIOException}.
   */
  void snapshot(OutputStream out);

  /** Replaces all state with the image read from {@code in}. */
  void restore(InputStream in);
}
