package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainerTest {
  @Test
  void aRequestWithNoDrainRunningDrainsOnTheCallingThread() {
    List<Thread> ranOn = new ArrayList<>();
    Drainer drainer =
        new Drainer(
            task -> {
              throw new AssertionError("handed to the executor");
            },
            () -> ranOn.add(Thread.currentThread()));
    drainer.requestHere();
    drainer.requestHere();
    assertThat(ranOn).containsExactly(Thread.currentThread(), Thread.currentThread());
  }

  @Test
  void aRequestDuringADrainIsTakenByThatDrainNotLost() throws Exception {
    CountDownLatch inFirstDrain = new CountDownLatch(1);
    CountDownLatch requestedMeanwhile = new CountDownLatch(1);
    AtomicInteger drains = new AtomicInteger();
    List<Thread> ranOn = new ArrayList<>();
    Drainer drainer =
        new Drainer(
            task -> {
              throw new AssertionError("handed to the executor");
            },
            () -> {
              synchronized (ranOn) {
                ranOn.add(Thread.currentThread());
              }
              if (drains.incrementAndGet() == 1) {
                inFirstDrain.countDown();
                await(requestedMeanwhile);
              }
            });
    Thread first = new Thread(drainer::requestHere);
    first.start();
    await(inFirstDrain);
    // A drain runs: this request returns at once and the running drain goes round again.
    drainer.requestHere();
    requestedMeanwhile.countDown();
    first.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(drains).hasValue(2);
    assertThat(ranOn).containsExactly(first, first);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
