package dev.raftboot.spring.autoconfigure;

import dev.raftboot.spring.RaftStateMachine;
import dev.raftboot.spring.TypedStateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Adds numbers: the smallest typed state machine, with JSON commands. */
@RaftStateMachine("counter")
public class CounterStateMachine implements TypedStateMachine<CounterStateMachine.Add, Long> {
  public record Add(long amount) {}

  private final AtomicLong total = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();

  @Override
  public Long apply(long index, Add command) {
    applied.incrementAndGet();
    return total.addAndGet(command.amount());
  }

  public long total() {
    return total.get();
  }

  /** Commands applied by this node since it started. */
  public long appliedCount() {
    return applied.get();
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    new DataOutputStream(out).writeLong(total.get());
  }

  @Override
  public void restore(InputStream in) throws IOException {
    total.set(new DataInputStream(in).readLong());
  }
}
