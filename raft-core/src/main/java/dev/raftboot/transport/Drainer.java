package dev.raftboot.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a drain task on an executor, never twice at once, and again whenever more work was requested
 * while it ran: requests coalesce, none is lost.
 */
final class Drainer {
  private final Executor executor;
  private final Runnable drainOnce;
  private final AtomicInteger requests = new AtomicInteger();

  Drainer(Executor executor, Runnable drainOnce) {
    this.executor = executor;
    this.drainOnce = drainOnce;
  }

  /**
   * Runs the drain on the calling thread when none runs yet (no hand-off to another thread on the
   * path of a message), else leaves the new work to the drain in progress.
   */
  void requestHere() {
    if (requests.getAndIncrement() == 0) {
      loop();
    }
  }

  void request() {
    if (requests.getAndIncrement() == 0) {
      try {
        executor.execute(this::loop);
      } catch (RuntimeException e) {
        // The executor is shutting down with the transport: nothing is sent any more.
        requests.set(0);
      }
    }
  }

  private void loop() {
    int pending = 1;
    do {
      drainOnce.run();
      pending = requests.addAndGet(-pending);
    } while (pending != 0);
  }
}
