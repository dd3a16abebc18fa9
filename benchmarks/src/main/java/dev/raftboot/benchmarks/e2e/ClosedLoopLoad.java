package dev.raftboot.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Closed-loop clients: each of {@code clients} threads issues one operation, waits for its answer,
 * and issues the next, for a fixed time. Reports throughput and latency of the operations that
 * succeeded; failures are counted, not timed.
 */
final class ClosedLoopLoad {
  private ClosedLoopLoad() {}

  /**
   * Runs {@code operation} from {@code clients} threads for {@code seconds}.
   *
   * @return one protocol line: {@code ops=.. seconds=.. rate=.. errors=.. p50us=..}
   */
  static String run(int clients, double seconds, Supplier<CompletableFuture<?>> operation)
      throws InterruptedException {
    List<Latencies> perClient = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    AtomicLong firstError = new AtomicLong();
    String[] errorText = new String[1];
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    for (int c = 0; c < clients; c++) {
      Latencies latencies = new Latencies();
      perClient.add(latencies);
      Thread t =
          new Thread(
              () -> {
                while (true) {
                  long began = System.nanoTime();
                  if (began >= end) {
                    return;
                  }
                  try {
                    operation.get().get(10, TimeUnit.SECONDS);
                    latencies.add(System.nanoTime() - began);
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    if (firstError.compareAndSet(0, 1)) {
                      errorText[0] = e.toString();
                    }
                  }
                }
              },
              "client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return line(perClient, start, errors.get(), errorText[0]);
  }

  /**
   * The protocol line of a load that started at {@code startNanos}: {@code ops=.. seconds=..
   * rate=.. errors=..}, the latency summary, and the first error if there was one.
   */
  static String line(List<Latencies> perClient, long startNanos, long errors, String firstError) {
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    Latencies all = Latencies.merge(perClient);
    String line =
        String.format(
            "ops=%d seconds=%.2f rate=%.0f errors=%d %s",
            all.size(), elapsed, all.size() / elapsed, errors, all.summary());
    return firstError == null ? line : line + " firstError=" + firstError.replace(' ', '_');
  }
}
