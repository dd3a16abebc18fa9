package dev.raftboot.spring;

import dev.raftboot.node.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Runs a {@link TypedStateMachine} as a byte-level {@link StateMachine}. */
final class TypedStateMachineAdapter<C, R> implements StateMachine {
  private final TypedStateMachine<C, R> typed;
  private final CommandCodec<C> codec;

  TypedStateMachineAdapter(TypedStateMachine<C, R> typed, CommandCodec<C> codec) {
    this.typed = typed;
    this.codec = codec;
  }

  @Override
  public Object apply(long index, byte[] command) {
    // A command that does not decode fails its submitter's future, the same way on every node.
    return typed.apply(index, codec.decode(command));
  }

  @Override
  public void snapshot(OutputStream out) {
    try {
      typed.snapshot(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void restore(InputStream in) {
    try {
      typed.restore(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
