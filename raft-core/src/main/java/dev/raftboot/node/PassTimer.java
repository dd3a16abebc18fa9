package dev.raftboot.node;

import java.util.concurrent.atomic.LongAdder;

final class PassTimer {
  static final LongAdder passes = new LongAdder();
  static final LongAdder passNanos = new LongAdder();
  static final LongAdder persistNanos = new LongAdder();
  static final LongAdder entries = new LongAdder();
  static final LongAdder queueNanos = new LongAdder();
  static final LongAdder applyNanos = new LongAdder();

  static {
    Thread t =
        new Thread(
            () -> {
              long p0 = 0, pn0 = 0, ps0 = 0, e0 = 0, q0 = 0;
              while (true) {
                try {
                  Thread.sleep(5000);
                } catch (InterruptedException e) {
                  return;
                }
                long p = passes.sum(),
                    pn = passNanos.sum(),
                    ps = persistNanos.sum(),
                    e = entries.sum(),
                    q = queueNanos.sum();
                long dp = Math.max(1, p - p0);
                System.err.printf(
                    "PASS %d/s avg pass %d us persist %d us entries/pass %.1f flush-queue-wait %d us%n",
                    (p - p0) / 5,
                    (pn - pn0) / dp / 1000,
                    (ps - ps0) / dp / 1000,
                    (double) (e - e0) / dp,
                    (q - q0) / dp / 1000);
                p0 = p;
                pn0 = pn;
                ps0 = ps;
                e0 = e;
                q0 = q;
              }
            });
    t.setDaemon(true);
    t.start();
  }
}
