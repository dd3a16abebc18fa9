package dev.raftboot.benchmarks.e2e;

import dev.raftboot.node.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The benchmark's state machine: counts applied commands and their bytes. Deliberately trivial so
 * that the benchmark measures the runtime, not the application.
 */
final class CounterStateMachine implements StateMachine {
  private volatile long commands;
  private volatile long bytes;

  @Override
  public Object apply(long index, byte[] command) {
    commands++;
    bytes += command.length;
    return index;
  }

  /** The local read that follows a linearizable barrier. */
  long commands() {
    return commands;
  }

  @Override
  public void snapshot(OutputStream out) {
    try {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(commands);
      data.writeLong(bytes);
      data.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void restore(InputStream in) {
    try {
      DataInputStream data = new DataInputStream(in);
      commands = data.readLong();
      bytes = data.readLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
