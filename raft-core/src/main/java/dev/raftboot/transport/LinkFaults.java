package dev.raftboot.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fault rules for the directed links between nodes, for tests: partitions, isolation of one node,
 * one-way cuts, random loss and delay, all undone by {@link #heal()}. One instance is shared by
 * every transport of a test cluster: give it to each {@link GrpcTransport} ({@link
 * GrpcTransportConfig.Builder#faults}) or use the one of an {@link InProcessNetwork} ({@link
 * InProcessNetwork#faults()}), then change the rules while the cluster runs.
 *
 * <p>Transports apply the rules at the moment traffic crosses a link: a message over a link that is
 * down is dropped and reported unreachable to its sender, as a broken stream would be; a message
 * lost to a drop rate vanishes silently, as a lost packet would; a snapshot over a link that is
 * down (or goes down during the transfer) fails. Delays apply to messages, and keep their order
 * while the delay stays the same.
 *
 * <p>Rules are an immutable value behind one volatile field: a transport with no rules set pays one
 * volatile read per send. Changes are atomic: a partition replaces the previous one at once.
 */
public final class LinkFaults {
  private record Link(long from, long to) {}

  /** The rules in force; replaced whole on every change. */
  private record Rules(
      Set<Long> isolated,
      List<Set<Long>> sides,
      Set<Link> cut,
      double dropRate,
      Map<Link, Double> linkDropRates,
      Duration delay,
      Map<Link, Duration> linkDelays) {

    static final Rules NONE =
        new Rules(Set.of(), List.of(), Set.of(), 0, Map.of(), Duration.ZERO, Map.of());

    boolean linkUp(long from, long to) {
      if (isolated.contains(from) || isolated.contains(to) || cut.contains(new Link(from, to))) {
        return false;
      }
      return sides.isEmpty() || sideOf(from) == sideOf(to);
    }

    private int sideOf(long node) {
      for (int i = 0; i < sides.size(); i++) {
        if (sides.get(i).contains(node)) {
          return i;
        }
      }
      return -1;
    }
  }

  private final Random random;
  private volatile Rules rules = Rules.NONE;

  /** Fault rules whose random drops follow {@code seed}. */
  public LinkFaults(long seed) {
    this.random = new Random(seed);
  }

  /** Cuts {@code node} off from every other node, both ways (added to the other rules). */
  public synchronized void isolate(long node) {
    Set<Long> isolated = new HashSet<>(rules.isolated);
    isolated.add(node);
    update(isolated, rules.sides, rules.cut);
  }

  /**
   * Splits the nodes into sides that cannot reach each other, e.g. {@code partition(Set.of(1L, 2L),
   * Set.of(3L))}; nodes in no side can reach only each other. Replaces an earlier partition.
   */
  @SafeVarargs
  public final synchronized void partition(Set<Long>... sides) {
    List<Set<Long>> copy = new ArrayList<>();
    for (Set<Long> side : sides) {
      copy.add(Set.copyOf(side));
    }
    update(rules.isolated, copy, rules.cut);
  }

  /** Drops traffic from {@code from} to {@code to}; the other direction still works. */
  public synchronized void cut(long from, long to) {
    Set<Link> cut = new HashSet<>(rules.cut);
    cut.add(new Link(from, to));
    update(rules.isolated, rules.sides, cut);
  }

  /** Drops each message crossing any link with probability {@code rate} (0 to 1). */
  public synchronized void setDropRate(double rate) {
    checkRate(rate);
    Rules r = rules;
    set(new Rules(r.isolated, r.sides, r.cut, rate, r.linkDropRates, r.delay, r.linkDelays));
  }

  /** Drops each message from {@code from} to {@code to} with probability {@code rate}. */
  public synchronized void setDropRate(long from, long to, double rate) {
    checkRate(rate);
    Rules r = rules;
    Map<Link, Double> rates = new HashMap<>(r.linkDropRates);
    rates.put(new Link(from, to), rate);
    set(
        new Rules(
            r.isolated, r.sides, r.cut, r.dropRate, Map.copyOf(rates), r.delay, r.linkDelays));
  }

  /** Delays every message by {@code delay}. */
  public synchronized void setDelay(Duration delay) {
    checkDelay(delay);
    Rules r = rules;
    set(new Rules(r.isolated, r.sides, r.cut, r.dropRate, r.linkDropRates, delay, r.linkDelays));
  }

  /** Delays messages from {@code from} to {@code to} by {@code delay} (instead of the default). */
  public synchronized void setDelay(long from, long to, Duration delay) {
    checkDelay(delay);
    Rules r = rules;
    Map<Link, Duration> delays = new HashMap<>(r.linkDelays);
    delays.put(new Link(from, to), delay);
    set(
        new Rules(
            r.isolated, r.sides, r.cut, r.dropRate, r.linkDropRates, r.delay, Map.copyOf(delays)));
  }

  /** Removes every partition, isolation, cut, drop rate and delay. */
  public synchronized void heal() {
    rules = Rules.NONE;
  }

  /** Whether any rule is set; false means every link is up, lossless and immediate. */
  public boolean active() {
    return rules != Rules.NONE;
  }

  /** Whether traffic from {@code from} can reach {@code to} now. */
  public boolean linkUp(long from, long to) {
    Rules r = rules;
    return r == Rules.NONE || r.linkUp(from, to);
  }

  /** Whether the next message from {@code from} to {@code to} is lost (a seeded coin flip). */
  boolean dropNow(long from, long to) {
    Rules r = rules;
    double rate = r.linkDropRates.getOrDefault(new Link(from, to), r.dropRate);
    if (rate <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < rate;
    }
  }

  /** How long messages from {@code from} to {@code to} are held before they cross. */
  Duration delay(long from, long to) {
    Rules r = rules;
    return r.linkDelays.getOrDefault(new Link(from, to), r.delay);
  }

  private void update(Set<Long> isolated, List<Set<Long>> sides, Set<Link> cut) {
    Rules r = rules;
    set(
        new Rules(
            Set.copyOf(isolated),
            List.copyOf(sides),
            Set.copyOf(cut),
            r.dropRate,
            r.linkDropRates,
            r.delay,
            r.linkDelays));
  }

  private void set(Rules next) {
    rules = next.equals(Rules.NONE) ? Rules.NONE : next;
  }

  private static void checkRate(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("drop rate must be within [0, 1]: " + rate);
    }
  }

  private static void checkDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
  }

  @Override
  public String toString() {
    Rules r = rules;
    return r == Rules.NONE ? "LinkFaults[none]" : "LinkFaults" + r;
  }
}
