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
import java.util.Map;
import java.util.TreeMap;

/**
 * A string key-value store as a {@link StateMachine}: puts, deletes and compare-and-set. The state
 * machine the simulation replicates by default, and a small example of the SPI.
 */
public final class KvStateMachine implements StateMachine {
  static final byte PUT = 1;
  static final byte DELETE = 2;
  static final byte CAS = 3;

  private final TreeMap<String, String> data = new TreeMap<>();

  /** Encodes a command; {@code value} and {@code expected} may be null where unused. */
  public static byte[] command(byte op, String key, String value, String expected) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(op);
      out.writeUTF(key);
      writeNullable(out, value);
      writeNullable(out, expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The value stored under key, or null. */
  public synchronized String get(String key) {
    return data.get(key);
  }

  public synchronized Map<String, String> contents() {
    return new TreeMap<>(data);
  }

  /**
   * Returns null for PUT and DELETE, and for CAS a Boolean telling whether the value was swapped.
   */
  @Override
  public synchronized Object apply(long index, byte[] command) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(command))) {
      byte op = in.readByte();
      String key = in.readUTF();
      String value = readNullable(in);
      String expected = readNullable(in);
      switch (op) {
        case PUT -> {
          data.put(key, value);
          return null;
        }
        case DELETE -> {
          data.remove(key);
          return null;
        }
        case CAS -> {
          boolean ok = java.util.Objects.equals(data.get(key), expected);
          if (ok) {
            data.put(key, value);
          }
          return ok;
        }
        default -> throw new IllegalArgumentException("unknown kv op " + op + " at " + index);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed kv command at index " + index, e);
    }
  }

  @Override
  public synchronized void snapshot(OutputStream os) {
    try {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(data.size());
      for (Map.Entry<String, String> e : data.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void restore(InputStream is) {
    try {
      DataInputStream in = new DataInputStream(is);
      int n = in.readInt();
      data.clear();
      for (int i = 0; i < n; i++) {
        data.put(in.readUTF(), in.readUTF());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
