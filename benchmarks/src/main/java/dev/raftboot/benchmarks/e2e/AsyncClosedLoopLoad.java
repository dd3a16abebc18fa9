package dev.raftboot.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Closed-loop clients without a thread each: each of {@code clients} keeps one operation in flight
 * and issues its next one from the completion of the last (on whichever thread completed it), for a
 * fixed time. This is how a server that answers its own callers asynchronously drives the runtime;
 * it spares the 2-core benchmark machine a blocked thread's wake-up per operation, which {@link
 * ClosedLoopLoad} pays and which is the load generator's cost, not the system's.
 */
final class AsyncClosedLoopLoad {
  private final Supplier<CompletableFuture<?>> operation;
  private final long end;
  private final CountDownLatch finished;
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();

  private AsyncClosedLoopLoad(
      Supplier<CompletableFuture<?>> operation, long end, CountDownLatch finished) {
    this.operation = operation;
    this.end = end;
    this.finished = finished;
  }

  /**
   * Runs {@code operation} with {@code clients} in flight for {@code seconds}.
   *
   * @return one protocol line, as {@link ClosedLoopLoad#run}'s
   */
  static String run(int clients, double seconds, Supplier<CompletableFuture<?>> operation)
      throws InterruptedException {
    long start = System.nanoTime();
    CountDownLatch finished = new CountDownLatch(clients);
    AsyncClosedLoopLoad load =
        new AsyncClosedLoopLoad(operation, start + (long) (seconds * 1e9), finished);
    List<Latencies> perClient = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Latencies latencies = new Latencies();
      perClient.add(latencies);
      load.issue(latencies);
    }
    if (!finished.await((long) seconds + 30, TimeUnit.SECONDS)) {
      return "error operations still in flight 30 s after the end";
    }
    return ClosedLoopLoad.line(perClient, start, load.errors.get(), load.firstError.get());
  }

  /**
   * Issues one client's operations until the end, each after the last completed. An operation
   * already complete when issued (a refusal) is handled in this loop rather than by recursion.
   * {@code latencies} is only touched by one operation at a time, each after the last completed.
   */
  private void issue(Latencies latencies) {
    while (true) {
      long began = System.nanoTime();
      if (began >= end) {
        finished.countDown();
        return;
      }
      CompletableFuture<?> pending = operation.get();
      if (!pending.isDone()) {
        pending.whenComplete(
            (result, failure) -> {
              record(latencies, began, failure);
              issue(latencies);
            });
        return;
      }
      record(latencies, began, pending.handle((result, failure) -> failure).join());
    }
  }

  private void record(Latencies latencies, long began, Throwable failure) {
    if (failure == null) {
      latencies.add(System.nanoTime() - began);
    } else {
      errors.incrementAndGet();
      firstError.compareAndSet(null, failure.toString());
    }
  }
}
