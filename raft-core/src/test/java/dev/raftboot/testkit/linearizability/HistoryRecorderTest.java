package dev.raftboot.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.testkit.linearizability.HistoryRecorder.Invocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  private final AtomicLong ticks = new AtomicLong();
  private final HistoryRecorder<KvInput, KvOutput> recorder =
      new HistoryRecorder<>(ticks::getAndIncrement);

  @Test
  void recordsCompletedOperationsWithClockTimestamps() {
    Invocation<KvInput> put = recorder.invoke(1, KvInput.put("x", "1"));
    Invocation<KvInput> get = recorder.invoke(2, KvInput.get("x"));
    recorder.complete(get, KvOutput.value("1"));
    recorder.complete(put, KvOutput.ack());

    assertThat(recorder.history().operations())
        .containsExactly(
            Operation.completed(1, KvInput.put("x", "1"), KvOutput.ack(), 0, 3),
            Operation.completed(2, KvInput.get("x"), KvOutput.value("1"), 1, 2));
    assertThat(put.clientId()).isEqualTo(1);
    assertThat(put.input()).isEqualTo(KvInput.put("x", "1"));
  }

  @Test
  void failedOperationsAreDroppedAndTimedOutOrPendingOnesAreAmbiguous() {
    recorder.fail(recorder.invoke(1, KvInput.put("x", "failed")));
    recorder.timeout(recorder.invoke(2, KvInput.put("x", "timed out")));
    recorder.invoke(3, KvInput.put("x", "pending"));

    assertThat(recorder.history().operations())
        .containsExactly(
            Operation.ambiguous(2, KvInput.put("x", "timed out"), 1),
            Operation.ambiguous(3, KvInput.put("x", "pending"), 2));
  }

  @Test
  void historyIsASnapshot() {
    Invocation<KvInput> get = recorder.invoke(1, KvInput.get("x"));
    History<KvInput, KvOutput> before = recorder.history();
    recorder.complete(get, KvOutput.absent());

    assertThat(before.operations())
        .singleElement()
        .extracting(Operation::ambiguous)
        .isEqualTo(true);
    assertThat(recorder.history().operations())
        .singleElement()
        .extracting(Operation::ambiguous)
        .isEqualTo(false);
  }

  @Test
  void eachInvocationIsResolvedOnce() {
    Invocation<KvInput> get = recorder.invoke(1, KvInput.get("x"));
    recorder.complete(get, KvOutput.absent());

    assertThatThrownBy(() -> recorder.timeout(get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already resolved as COMPLETED");
  }

  @Test
  void rejectsInvocationsOfAnotherRecorder() {
    Invocation<KvInput> foreign =
        new HistoryRecorder<KvInput, KvOutput>().invoke(1, KvInput.get("x"));

    assertThatThrownBy(() -> recorder.fail(foreign)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * End to end with real threads: {@link ConcurrentHashMap}'s single-key operations are
   * linearizable, so whatever interleaving the scheduler picks, the recorded history must check as
   * linearizable.
   */
  @Test
  void concurrentClientsOfALinearizableStoreRecordALinearizableHistory() throws Exception {
    long seed = 20240611L;
    System.out.println("concurrent recorder test seed: " + seed);
    HistoryRecorder<KvInput, KvOutput> wallClockRecorder = new HistoryRecorder<>();
    ConcurrentMap<String, String> store = new ConcurrentHashMap<>();
    int clients = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        Random random = new Random(seed + c);
        running.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 500; i++) {
                    runOne(wallClockRecorder, store, client, random, client + "-" + i);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : running) {
        future.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(new KvModel(), wallClockRecorder.history());

    assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(result.partitions().stream().mapToInt(PartitionResult::operationCount).sum())
        .isEqualTo(clients * 500);
  }

  private static void runOne(
      HistoryRecorder<KvInput, KvOutput> recorder,
      ConcurrentMap<String, String> store,
      int client,
      Random random,
      String freshValue) {
    String key = "k" + random.nextInt(3);
    switch (random.nextInt(4)) {
      case 0 -> {
        Invocation<KvInput> put = recorder.invoke(client, KvInput.put(key, freshValue));
        store.put(key, freshValue);
        recorder.complete(put, KvOutput.ack());
      }
      case 1 -> {
        String expected = store.get(key);
        Invocation<KvInput> cas = recorder.invoke(client, KvInput.cas(key, expected, freshValue));
        boolean ok =
            expected == null
                ? store.putIfAbsent(key, freshValue) == null
                : store.replace(key, expected, freshValue);
        recorder.complete(cas, KvOutput.cas(ok));
      }
      case 2 -> {
        Invocation<KvInput> delete = recorder.invoke(client, KvInput.delete(key));
        store.remove(key);
        recorder.complete(delete, KvOutput.ack());
      }
      default -> {
        Invocation<KvInput> get = recorder.invoke(client, KvInput.get(key));
        String value = store.get(key);
        recorder.complete(get, KvOutput.value(value));
      }
    }
  }
}
