package dev.raftboot.testkit.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates key-value histories that are linearizable by construction: several clients issue
 * operations with random, overlapping intervals; each operation gets a true linearization point
 * inside its interval, and outputs come from replaying the operations in point order through a real
 * sequential map. Every written value is unique, which makes corruptions detectable.
 */
final class RandomKvHistories {

  /** An operation while being generated; the output is filled in by the replay. */
  private static final class Draft {
    final int client;
    final KvInput input;
    final long invoked;
    final long responded;
    final boolean timedOut;

    /** When it takes effect, or -1 for a timed-out operation that never did. */
    final long effectAt;

    KvOutput output;

    Draft(
        int client, KvInput input, long invoked, long responded, boolean timedOut, long effectAt) {
      this.client = client;
      this.input = input;
      this.invoked = invoked;
      this.responded = responded;
      this.timedOut = timedOut;
      this.effectAt = effectAt;
    }
  }

  private final Random random;
  private final int clients;
  private final List<String> keys;
  private final double timeoutRate;
  private int nextValue;

  RandomKvHistories(long seed, int clients, List<String> keys, double timeoutRate) {
    this.random = new Random(seed);
    this.clients = clients;
    this.keys = keys;
    this.timeoutRate = timeoutRate;
  }

  History<KvInput, KvOutput> generate(int operationCount) {
    long[] clientFreeAt = new long[clients];
    List<Draft> drafts = new ArrayList<>(operationCount);
    for (int i = 0; i < operationCount; i++) {
      int client = earliestFree(clientFreeAt);
      long invoked = clientFreeAt[client] + random.nextInt(4);
      long duration = random.nextInt(25);
      long responded = invoked + duration;
      boolean timedOut = random.nextDouble() < timeoutRate;
      long effectAt;
      if (timedOut) {
        // A timed-out request may still take effect well after the client gave up, or never.
        effectAt = random.nextBoolean() ? invoked + random.nextInt((int) (3 * duration + 1)) : -1;
      } else {
        effectAt = invoked + random.nextInt((int) duration + 1);
      }
      drafts.add(new Draft(client, randomInput(), invoked, responded, timedOut, effectAt));
      clientFreeAt[client] = responded;
    }
    replayInEffectOrder(drafts);
    List<Operation<KvInput, KvOutput>> operations = new ArrayList<>(operationCount);
    for (Draft draft : drafts) {
      operations.add(
          draft.timedOut
              ? Operation.ambiguous(draft.client, draft.input, draft.invoked)
              : Operation.completed(
                  draft.client, draft.input, draft.output, draft.invoked, draft.responded));
    }
    return History.of(operations);
  }

  private static int earliestFree(long[] clientFreeAt) {
    int earliest = 0;
    for (int c = 1; c < clientFreeAt.length; c++) {
      if (clientFreeAt[c] < clientFreeAt[earliest]) {
        earliest = c;
      }
    }
    return earliest;
  }

  private KvInput randomInput() {
    String key = keys.get(random.nextInt(keys.size()));
    int roll = random.nextInt(100);
    if (roll < 50) {
      return KvInput.get(key);
    }
    if (roll < 75) {
      return KvInput.put(key, freshValue());
    }
    if (roll < 90) {
      // Expect a recent value so that a fair share of CAS operations succeed.
      int recent = Math.max(0, nextValue - random.nextInt(3) - 1);
      String expected = random.nextInt(5) == 0 ? null : "v" + recent;
      return KvInput.cas(key, expected, freshValue());
    }
    return KvInput.delete(key);
  }

  private String freshValue() {
    return "v" + nextValue++;
  }

  private static void replayInEffectOrder(List<Draft> drafts) {
    List<Draft> takingEffect = new ArrayList<>();
    for (Draft draft : drafts) {
      if (draft.effectAt >= 0) {
        takingEffect.add(draft);
      }
    }
    takingEffect.sort(Comparator.comparingLong(d -> d.effectAt));
    Map<String, String> store = new HashMap<>();
    for (Draft draft : takingEffect) {
      KvInput input = draft.input;
      String current = store.get(input.key());
      draft.output =
          switch (input.kind()) {
            case PUT -> {
              store.put(input.key(), input.value());
              yield KvOutput.ack();
            }
            case DELETE -> {
              store.remove(input.key());
              yield KvOutput.ack();
            }
            case GET -> KvOutput.value(current);
            case CAS -> {
              boolean matches = Objects.equals(current, input.expected());
              if (matches) {
                store.put(input.key(), input.value());
              }
              yield KvOutput.cas(matches);
            }
          };
    }
  }
}
