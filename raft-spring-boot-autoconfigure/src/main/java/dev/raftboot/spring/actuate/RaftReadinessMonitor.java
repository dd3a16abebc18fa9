package dev.raftboot.spring.actuate;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Ties the application's readiness to Raft: after start-up it reports REFUSING_TRAFFIC while some
 * group has no leader or this node has not caught up, and ACCEPTING_TRAFFIC once it has, so that a
 * Kubernetes readiness probe (and a rolling restart waiting on it) sees a node as ready only when
 * it can serve.
 */
public final class RaftReadinessMonitor
    implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {
  private final RaftHealthContributor health;
  private final Duration interval;
  private ScheduledExecutorService timer;
  private Boolean lastReady;

  public RaftReadinessMonitor(RaftHealthContributor health, Duration interval) {
    this.health = health;
    this.interval = interval;
  }

  @Override
  public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
    if (timer != null) {
      return;
    }
    ApplicationContext context = event.getApplicationContext();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "raft-readiness");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> check(context), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check(ApplicationContext context) {
    boolean ready = health.allCaughtUp();
    if (lastReady == null || lastReady != ready) {
      lastReady = ready;
      AvailabilityChangeEvent.publish(
          context, ready ? ReadinessState.ACCEPTING_TRAFFIC : ReadinessState.REFUSING_TRAFFIC);
    }
  }

  @Override
  public synchronized void destroy() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
