package dev.raftboot.node;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady write load on a {@link ServerCluster}: writes {@code prefix0}, {@code prefix1}, ...
 * through the node that leads with the highest term, retrying a key until it is acknowledged (a put
 * is idempotent), and records what was acknowledged.
 */
final class KeyWriter implements AutoCloseable {
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final ServerCluster cluster;
  private final String prefix;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger next = new AtomicInteger();
  private final Thread thread;

  KeyWriter(ServerCluster cluster, String prefix) {
    this.cluster = cluster;
    this.prefix = prefix;
    this.thread = new Thread(this::run, "key-writer");
    thread.start();
  }

  private void run() {
    while (!stop.get()) {
      String key = prefix + next.get();
      try {
        RaftGroup leader = null;
        for (ServerCluster.Member m : cluster.members.values()) {
          RaftGroup g = m.group();
          if (g.isLeader() && (leader == null || g.status().term() > leader.status().term())) {
            leader = g;
          }
        }
        if (leader == null) {
          Thread.sleep(5);
          continue;
        }
        leader.propose(ServerCluster.put(key, "v")).get(10, TimeUnit.SECONDS);
        acknowledged.add(key);
        next.incrementAndGet();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // Not acknowledged (deposed leader, timeout, closed node): write the same key again.
      }
    }
  }

  /** Waits until {@code more} writes beyond those acknowledged now are acknowledged. */
  void awaitMore(int more, String what) {
    int target = acknowledged.size() + more;
    LocalCluster.await(() -> acknowledged.size() >= target, more + " more writes " + what);
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }
}
