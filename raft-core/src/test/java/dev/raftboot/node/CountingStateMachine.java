package dev.raftboot.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts how often each command was applied, so tests can prove a command ran exactly once. A
 * command is a UTF-8 name; {@code apply} returns the String {@code "<name>#<count>"} (a result type
 * snapshots carry), or, for names starting with {@code "opaque:"}, an {@link Opaque} object (one
 * they do not). Applications since the last restore are counted separately from the state.
 */
final class CountingStateMachine implements StateMachine {
  /** A result snapshots cannot carry. */
  record Opaque(String name, long count) {}

  private final TreeMap<String, Long> counts = new TreeMap<>();
  private long appliesHere;

  static byte[] command(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  /** How often {@code name} was applied in the replicated state. */
  synchronized long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** How many commands this instance applied itself (not counting restored state). */
  synchronized long appliesHere() {
    return appliesHere;
  }

  synchronized Map<String, Long> counts() {
    return new TreeMap<>(counts);
  }

  @Override
  public synchronized Object apply(long index, byte[] command) {
    String name = new String(command, StandardCharsets.UTF_8);
    long n = counts.merge(name, 1L, Long::sum);
    appliesHere++;
    return name.startsWith("opaque:") ? new Opaque(name, n) : name + "#" + n;
  }

  @Override
  public synchronized void snapshot(OutputStream os) {
    try {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(counts.size());
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
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
      counts.clear();
      for (int i = 0; i < n; i++) {
        counts.put(in.readUTF(), in.readLong());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
