package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;

/** Writes hand-made key-value histories compactly: one line per operation. */
final class KvHistoryBuilder {

  private final List<Operation<KvInput, KvOutput>> operations = new ArrayList<>();

  KvHistoryBuilder put(int client, String key, String value, long invoked, long responded) {
    return add(client, KvInput.put(key, value), KvOutput.ack(), invoked, responded);
  }

  /** A read that saw {@code value}; {@code null} means it saw the key absent. */
  KvHistoryBuilder get(int client, String key, String value, long invoked, long responded) {
    return add(client, KvInput.get(key), KvOutput.value(value), invoked, responded);
  }

  KvHistoryBuilder cas(
      int client,
      String key,
      String expected,
      String update,
      boolean ok,
      long invoked,
      long responded) {
    return add(client, KvInput.cas(key, expected, update), KvOutput.cas(ok), invoked, responded);
  }

  KvHistoryBuilder delete(int client, String key, long invoked, long responded) {
    return add(client, KvInput.delete(key), KvOutput.ack(), invoked, responded);
  }

  /** An operation whose client timed out: it may have taken effect, or not. */
  KvHistoryBuilder timedOut(int client, KvInput input, long invoked) {
    operations.add(Operation.ambiguous(client, input, invoked));
    return this;
  }

  private KvHistoryBuilder add(
      int client, KvInput input, KvOutput output, long invoked, long responded) {
    operations.add(Operation.completed(client, input, output, invoked, responded));
    return this;
  }

  History<KvInput, KvOutput> build() {
    return History.of(operations);
  }
}
