package dev.raftboot.testkit;

import dev.raftboot.proto.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** The simulated network: messages in flight, in send order, and the links that are cut. */
final class SimNetwork {
  private final ArrayList<Message> inFlight = new ArrayList<>();
  private final Set<Long> blocked = new HashSet<>();

  void sendAll(List<Message> messages) {
    inFlight.addAll(messages);
  }

  int size() {
    return inFlight.size();
  }

  boolean isEmpty() {
    return inFlight.isEmpty();
  }

  Message removeOldest() {
    return inFlight.isEmpty() ? null : inFlight.remove(0);
  }

  Message removeRandom(SplittableRandom random) {
    return inFlight.isEmpty() ? null : inFlight.remove(random.nextInt(inFlight.size()));
  }

  /** Queues a second copy of a random in-flight message; returns it. */
  Message duplicateRandom(SplittableRandom random) {
    if (inFlight.isEmpty()) {
      return null;
    }
    Message m = inFlight.get(random.nextInt(inFlight.size()));
    inFlight.add(m);
    return m;
  }

  void block(long from, long to) {
    blocked.add(key(from, to));
  }

  boolean blocked(long from, long to) {
    return blocked.contains(key(from, to));
  }

  void heal() {
    blocked.clear();
  }

  private static long key(long from, long to) {
    return (from << 32) ^ to;
  }
}
