package dev.raftboot.transport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects several {@link InProcessTransport}s in one JVM, with fault hooks for tests ({@link
 * LinkFaults}): random loss (seeded), delay, partitions, isolation of one node and one-way cuts.
 * Faults apply to messages and snapshots crossing a link at the moment they cross it.
 *
 * <p>A message that cannot cross because the link is down is reported unreachable to its sender, as
 * a broken gRPC stream would be; a message lost to the random drop rate vanishes silently, as a
 * lost packet would.
 */
public final class InProcessNetwork implements AutoCloseable {
  private final Map<Long, InProcessTransport> nodes = new ConcurrentHashMap<>();
  private final LinkFaults faults;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;

  /** A network whose random drops follow {@code seed}. */
  public InProcessNetwork(long seed) {
    this.faults = new LinkFaults(seed);
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

  /**
   * The fault rules of this network's links, the same {@link LinkFaults} a gRPC test cluster uses;
   * the methods below are shortcuts to it.
   */
  public LinkFaults faults() {
    return faults;
  }

  /** Drops each message crossing any link with probability {@code rate} (0 to 1). */
  public void setDropRate(double rate) {
    faults.setDropRate(rate);
  }

  /** Delays every delivery by {@code delay}; order per link is kept. */
  public void setDelay(Duration delay) {
    faults.setDelay(delay);
  }

  /** Cuts {@code node} off from every other node, both ways. */
  public void isolate(long node) {
    faults.isolate(node);
  }

  /**
   * Splits the nodes into sides that cannot reach each other; nodes in no side can reach only each
   * other. Replaces an earlier partition.
   */
  @SafeVarargs
  public final void partition(Set<Long>... sides) {
    faults.partition(sides);
  }

  /** Drops traffic from {@code from} to {@code to}; the other direction still works. */
  public void cut(long from, long to) {
    faults.cut(from, to);
  }

  /** Removes every partition, isolation, cut, drop rate and delay. */
  public void heal() {
    faults.heal();
  }

  boolean linkUp(long from, long to) {
    return faults.linkUp(from, to);
  }

  boolean dropNow(long from, long to) {
    return faults.dropNow(from, to);
  }

  Duration delay(long from, long to) {
    return faults.delay(from, to);
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
