package dev.raftboot.benchmarks.e2e;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Clients that write without pause while the cluster is disturbed (leader crash, leader shutdown),
 * recording when each write was sent and when it was acknowledged, in microseconds of the wall
 * clock so the launcher can relate them to the moment it disturbed another process. A write not
 * answered within {@code attemptTimeoutMs} is abandoned and the client sends a new one.
 */
final class ContinuousWriter {
  private record Ack(long sentMicros, long ackedMicros) {}

  private final List<List<Ack>> acks = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  private final AtomicLong failures = new AtomicLong();

  ContinuousWriter(int clients, long attemptTimeoutMs, Supplier<CompletableFuture<?>> write) {
    for (int c = 0; c < clients; c++) {
      List<Ack> mine = new ArrayList<>();
      acks.add(mine);
      Thread t =
          new Thread(
              () -> {
                while (running) {
                  long sent = nowMicros();
                  try {
                    write.get().get(attemptTimeoutMs, TimeUnit.MILLISECONDS);
                    mine.add(new Ack(sent, nowMicros()));
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    failures.incrementAndGet();
                    pause();
                  }
                }
              },
              "writer-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  private static void pause() {
    try {
      Thread.sleep(1); // no leader yet: fails at once; do not spin on two cores
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the clients and summarises.
   *
   * @param disturbedAtMicros when the launcher disturbed the cluster (0: not at all)
   * @return {@code acked=.. failed=.. maxGapMs=.. gapFromMs=.. recoveryMs=..}: the longest time
   *     between two acknowledgements (and when it began, relative to the disturbance), and the time
   *     from the disturbance until the first write sent after it was acknowledged
   */
  String stop(long disturbedAtMicros) throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join();
    }
    List<Ack> all = new ArrayList<>();
    acks.forEach(all::addAll);
    all.sort((a, b) -> Long.compare(a.ackedMicros, b.ackedMicros));
    long maxGap = 0;
    long gapFrom = 0;
    for (int i = 1; i < all.size(); i++) {
      long gap = all.get(i).ackedMicros - all.get(i - 1).ackedMicros;
      if (gap > maxGap) {
        maxGap = gap;
        gapFrom = all.get(i - 1).ackedMicros;
      }
    }
    long recovery = -1;
    if (disturbedAtMicros > 0) {
      for (Ack ack : all) {
        if (ack.sentMicros >= disturbedAtMicros) {
          recovery = ack.ackedMicros - disturbedAtMicros;
          break;
        }
      }
    }
    return String.format(
        "acked=%d failed=%d maxGapMs=%.1f gapFromMs=%.1f recoveryMs=%.1f",
        all.size(),
        failures.get(),
        maxGap / 1e3,
        disturbedAtMicros > 0 ? (gapFrom - disturbedAtMicros) / 1e3 : 0.0,
        recovery / 1e3);
  }
}
