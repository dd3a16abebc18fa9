package dev.raftboot.testkit;

import dev.raftboot.node.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Wraps a state machine so that a command proposed twice (a duplicated or retried proposal) is
 * applied once: commands carry an 8-byte operation id, and ids already applied are skipped. The set
 * of applied ids is part of the snapshot, so the rule survives restarts.
 */
final class DedupStateMachine implements StateMachine {
  /** What apply returns for a command that was already applied. */
  static final Object DUPLICATE = new Object();

  private final StateMachine inner;
  private final TreeSet<Long> appliedOps = new TreeSet<>();

  DedupStateMachine(StateMachine inner) {
    this.inner = inner;
  }

  StateMachine inner() {
    return inner;
  }

  static byte[] wrap(long opId, byte[] command) {
    return ByteBuffer.allocate(8 + command.length).putLong(opId).put(command).array();
  }

  static long opId(byte[] wrapped) {
    return ByteBuffer.wrap(wrapped).getLong();
  }

  @Override
  public Object apply(long index, byte[] command) {
    long op = opId(command);
    if (!appliedOps.add(op)) {
      return DUPLICATE;
    }
    return inner.apply(index, Arrays.copyOfRange(command, 8, command.length));
  }

  @Override
  public void snapshot(OutputStream os) {
    try {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(appliedOps.size());
      for (long op : appliedOps) {
        out.writeLong(op);
      }
      ByteArrayOutputStream innerBytes = new ByteArrayOutputStream();
      inner.snapshot(innerBytes);
      out.writeInt(innerBytes.size());
      innerBytes.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void restore(InputStream is) {
    try {
      DataInputStream in = new DataInputStream(is);
      appliedOps.clear();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        appliedOps.add(in.readLong());
      }
      byte[] innerBytes = in.readNBytes(in.readInt());
      inner.restore(new ByteArrayInputStream(innerBytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
