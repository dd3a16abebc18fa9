package dev.raftboot.spring;

/**
 * Turns a {@link TypedStateMachine}'s commands into the bytes that are replicated, and back. Every
 * node must decode what any node encodes, across versions of the application during a rolling
 * upgrade.
 *
 * @param <C> the command type
 */
public interface CommandCodec<C> {
  byte[] encode(C command);

  /**
   * @throws IllegalArgumentException if the bytes are not a command of this type
   */
  C decode(byte[] bytes);
}
