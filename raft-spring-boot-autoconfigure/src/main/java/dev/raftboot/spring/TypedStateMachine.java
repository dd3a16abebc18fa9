package dev.raftboot.spring;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A replicated state machine over typed commands. Commands travel encoded by the {@link
 * CommandCodec} for {@code C} (JSON by default); the result of {@link #apply} completes the
 * submitter's future on the node that submitted the command and is never sent over the network.
 *
 * <p>{@code apply} is called in log order, once per committed command, on one thread at a time.
 * Reads through {@link RaftTemplate#read} run concurrently with it, so state read there must be
 * safe to read while it changes (concurrent collections, immutable snapshots, or a lock).
 *
 * @param <C> the command type
 * @param <R> the result type
 */
public interface TypedStateMachine<C, R> {
  /**
   * Applies one committed command.
   *
   * @param index the command's log index (strictly increasing; usable as a version)
   */
  R apply(long index, C command);

  /** Writes a consistent point-in-time image of the state. */
  void snapshot(OutputStream out) throws java.io.IOException;

  /** Replaces all state with the image read from {@code in}. */
  void restore(InputStream in) throws java.io.IOException;
}
