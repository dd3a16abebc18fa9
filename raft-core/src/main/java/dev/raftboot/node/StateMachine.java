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
   * Applies one committed command that was appended to the log in {@code term}: the term of the
   * leader that appended it, the same on every node. The runtime calls this one; the default
   * ignores the term. A state machine can use it to accept a command only from the leadership that
   * made it (a command proposed by a leader of term 5 that steps down, then forwarded to and
   * appended by the leader of term 6, carries term 5 inside and is appended in term 6).
   */
  default Object apply(long index, long term, byte[] command) {
    return apply(index, command);
  }

  /**
   * Writes a consistent point-in-time image of the whole state. I/O failures are reported as {@link
   * java.io.UncheckedIOException}.
   */
  void snapshot(OutputStream out);

  /** Replaces all state with the image read from {@code in}. */
  void restore(InputStream in);
}
