package dev.raftboot.node;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared {@link Executor}: many groups share a
 * small pool, each group's tasks never run concurrently, and an idle group holds no thread.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean scheduled;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The pool has shut down (its server closed): run the queue here, so a task given now still
      // runs (a closed group's tasks only fail their futures) rather than wait forever, together
      // with every later one, behind a drain that was never scheduled.
      drain();
    }
  }

  private void drain() {
    while (true) {
      // Run a bounded batch, then yield the pool thread to other groups.
      for (int i = 0; i < 1024; i++) {
        Runnable next;
        synchronized (tasks) {
          next = tasks.poll();
          if (next == null) {
            scheduled = false;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          log.error("task failed on serial executor", e);
        }
      }
      try {
        pool.execute(this::drain);
        return;
      } catch (RejectedExecutionException e) {
        // The pool is shutting down and takes no new work: finish what is queued on this thread
        // (the closing server waits for it), rather than leave it, and its futures, behind.
      }
    }
  }
}
