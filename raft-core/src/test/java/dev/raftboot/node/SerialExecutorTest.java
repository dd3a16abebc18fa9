package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  @Test
  void tasksQueuedWhenThePoolShutsDownStillRun() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    SerialExecutor serial = new SerialExecutor(pool);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    serial.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    // More than one batch (1,024): the drain hands the rest back to the pool, which has stopped
    // taking work by then.
    for (int i = 0; i < 3_000; i++) {
      serial.execute(ran::incrementAndGet);
    }
    pool.shutdown();
    release.countDown();
    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    assertThat(ran.get()).isEqualTo(3_000);
  }
}
