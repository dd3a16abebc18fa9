package dev.raftboot.spring.cluster;

import dev.raftboot.node.FencingToken;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A downstream system done right: it remembers the highest fencing token it has seen and rejects
 * lower ones, and it records the effects it accepted per slot.
 */
public final class FencedDownstream {
  private FencingToken highest = new FencingToken(0, 0);
  private final Map<Long, AtomicInteger> acceptedBySlot = new ConcurrentHashMap<>();
  private final AtomicInteger rejected = new AtomicInteger();

  public synchronized boolean accept(long slot, FencingToken token) {
    if (token.compareTo(highest) < 0) {
      rejected.incrementAndGet();
      return false;
    }
    highest = token;
    acceptedBySlot.computeIfAbsent(slot, s -> new AtomicInteger()).incrementAndGet();
    return true;
  }

  public Map<Long, AtomicInteger> acceptedBySlot() {
    return acceptedBySlot;
  }

  public int rejected() {
    return rejected.get();
  }

  public synchronized void reset() {
    highest = new FencingToken(0, 0);
    acceptedBySlot.clear();
    rejected.set(0);
  }
}
