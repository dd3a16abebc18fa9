package dev.raftboot.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncClosedLoopLoadTest {

  @Test
  void keepsExactlyOneOperationPerClientInFlightAndCountsEveryCompletion() throws Exception {
    ExecutorService completer = Executors.newSingleThreadExecutor();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    AtomicInteger issued = new AtomicInteger();
    try {
      String line =
          AsyncClosedLoopLoad.run(
              4,
              0.2,
              () -> {
                issued.incrementAndGet();
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                return CompletableFuture.supplyAsync(
                    () -> {
                      inFlight.decrementAndGet();
                      return null;
                    },
                    completer);
              });

      Map<String, String> fields = NodeProcess.fields(line);
      assertThat(mostInFlight.get()).isBetween(1, 4);
      assertThat(Long.parseLong(fields.get("ops"))).isEqualTo(issued.get()).isPositive();
      assertThat(fields.get("errors")).isEqualTo("0");
    } finally {
      completer.shutdownNow();
    }
  }

  /** A node that refuses at once (not the leader) must not make the load recurse until it fails. */
  @Test
  void operationsThatFailAtOnceAreCountedAsErrorsWithoutRecursion() throws Exception {
    Set<Integer> stackDepths = ConcurrentHashMap.newKeySet();
    AtomicInteger issued = new AtomicInteger();
    String line =
        AsyncClosedLoopLoad.run(
            1,
            0.2,
            () -> {
              issued.incrementAndGet();
              stackDepths.add(Thread.currentThread().getStackTrace().length);
              return CompletableFuture.failedFuture(new IllegalStateException("not leader"));
            });

    Map<String, String> fields = NodeProcess.fields(line);
    assertThat(fields.get("ops")).isEqualTo("0");
    assertThat(Long.parseLong(fields.get("errors"))).isEqualTo(issued.get()).isGreaterThan(1);
    assertThat(stackDepths).as("each refusal is issued from the same depth").hasSize(1);
    assertThat(line).contains("firstError=java.lang.IllegalStateException:_not_leader");
  }
}
