package dev.raftboot.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects several {@link InProcessTransport}s in one JVM, with fault hooks for tests: random loss
 * (seeded), a fixed delay, partitions, isolation of one node and one-way cuts. Faults apply to
 * messages and snapshots crossing a link at the moment they cross it.
 *
 * <p>A message that cannot cross because the link is down is reported unreachable to its sender, as
 * a broken gRPC stream would be; a message lost to the random drop rate vanishes silently, as a
 * lost packet would.
 */
public final class InProcessNetwork implements AutoCloseable {
  private final Map<Long, InProcessTransport> nodes = new ConcurrentHashMap<>();
  private final Random random;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;

  // Guarded by this.
  private double dropRate;
  private Duration delay = Duration.ZERO;
  private final Set<Long> isolated = new HashSet<>();
  private final List<Set<Long>> partition = new ArrayList<>();
  private final Set<Link> cut = new HashSet<>();

  private record Link(long from, long to) {}

  /** A network whose random drops follow {@code seed}. */
  public InProcessNetwork(long seed) {
    this.random = new Random(seed);
    this.executor = Executors.newCachedThreadPool(daemon("inproc-net"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("inproc-net-delay"));
  }

  /** A transport for node {@code nodeId} on this network, with default queue limits. */
  public InProcessTransport create(long nodeId, TransportListener listener) {
    return create(nodeId, listener, QueueLimits.DEFAULT, TempDirSnapshotSink.inSystemTemp());
  }

  /** A transport for node {@code nodeId} on this network. */
  public InProcessTransport create(
      long nodeId, TransportListener listener, QueueLimits limits, SnapshotSink sink) {
    InProcessTransport t = new InProcessTransport(this, nodeId, listener, limits, sink);
    if (nodes.putIfAbsent(nodeId, t) != null) {
      throw new IllegalArgumentException("node " + nodeId + " is already on this network");
    }
    return t;
  }

  /** Drops each message crossing any link with probability {@code rate} (0 to 1). */
  public synchronized void setDropRate(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("drop rate must be within [0, 1]: " + rate);
    }
    this.dropRate = rate;
  }

  /** Delays every delivery by {@code delay}; order per link is kept. */
  public synchronized void setDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
    this.delay = delay;
  }

  /** Cuts {@code node} off from every other node, both ways. */
  public synchronized void isolate(long node) {
    isolated.add(node);
  }

  /**
   * Splits the nodes into sides that cannot reach each other; nodes in no side can reach only each
   * other. Replaces an earlier partition.
   */
  @SafeVarargs
  public final synchronized void partition(Set<Long>... sides) {
    partition.clear();
    for (Set<Long> side : sides) {
      partition.add(Set.copyOf(side));
    }
  }

  /** Drops traffic from {@code from} to {@code to}; the other direction still works. */
  public synchronized void cut(long from, long to) {
    cut.add(new Link(from, to));
  }

  /** Removes every partition, isolation, cut, drop rate and delay. */
  public synchronized void heal() {
    isolated.clear();
    partition.clear();
    cut.clear();
    dropRate = 0;
    delay = Duration.ZERO;
  }

  synchronized boolean linkUp(long from, long to) {
    if (isolated.contains(from) || isolated.contains(to) || cut.contains(new Link(from, to))) {
      return false;
    }
    return partition.isEmpty() || sideOf(from) == sideOf(to);
  }

  private int sideOf(long node) {
    for (int i = 0; i < partition.size(); i++) {
      if (partition.get(i).contains(node)) {
        return i;
      }
    }
    return -1;
  }

  synchronized boolean dropNow() {
    return dropRate > 0 && random.nextDouble() < dropRate;
  }

  synchronized Duration delay() {
    return delay;
  }

  /** The running transport of {@code node}, or null when absent, not started or closed. */
  InProcessTransport node(long node) {
    InProcessTransport t = nodes.get(node);
    return t != null && t.isRunning() ? t : null;
  }

  void remove(InProcessTransport transport) {
    nodes.remove(transport.localId(), transport);
  }

  ExecutorService executor() {
    return executor;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Closes every transport on the network and its threads. */
  @Override
  public void close() {
    for (InProcessTransport t : List.copyOf(nodes.values())) {
      t.close();
    }
    scheduler.shutdownNow();
    executor.shutdownNow();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
