package dev.raftboot.core;

import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Small in-memory clusters for scenario tests, in the shape of raft-rs's harness: messages are
 * delivered one at a time, in order, until the network is quiet, through filters that drop, cut,
 * isolate and recover.
 */
final class Network {
  final TreeMap<Long, TestNode> nodes = new TreeMap<>();
  private final Set<Long> cutPairs = new HashSet<>();
  private final Map<Long, Double> dropRates = new HashMap<>();
  private final Set<MessageType> ignored = EnumSet.noneOf(MessageType.class);
  private final Random random = new Random(1);
  private Predicate<Message> interceptor = m -> false;
  private java.util.function.UnaryOperator<Message> rewriter = m -> m;

  /** Whether a dropped MsgSnap is reported to its sender as a failure, as a transport would. */
  boolean reportDroppedSnapshots;

  /** Every message delivered, for assertions. */
  final List<Message> delivered = new ArrayList<>();

  static RaftConfig.Builder defaults() {
    return RaftConfig.builder().electionTick(10).heartbeatTick(1).randomSeed(7);
  }

  /** A cluster of voters 1..n, all with the given base config. */
  static Network of(int n, RaftConfig.Builder base) {
    long[] voters = new long[n];
    for (int i = 0; i < n; i++) {
      voters[i] = i + 1;
    }
    Network net = new Network();
    for (long id : voters) {
      net.nodes.put(id, TestNode.of(id, voters, base));
    }
    return net;
  }

  static Network of(int n) {
    return of(n, defaults());
  }

  /** A network of the given nodes. */
  static Network of(TestNode... members) {
    Network net = new Network();
    for (TestNode n : members) {
      net.nodes.put(n.id(), n);
    }
    return net;
  }

  /** Voters 1..n and learners, all knowing the same configuration. */
  static Network withLearners(int voters, long[] learners, RaftConfig.Builder base) {
    dev.raftboot.proto.ConfState.Builder cs = dev.raftboot.proto.ConfState.newBuilder();
    for (long i = 1; i <= voters; i++) {
      cs.addVoters(i);
    }
    for (long l : learners) {
      cs.addLearners(l);
    }
    Network net = new Network();
    for (long i = 1; i <= voters; i++) {
      net.nodes.put(i, new TestNode(base.id(i).build(), new MemoryLogStorage(cs.build())));
    }
    for (long l : learners) {
      net.nodes.put(l, new TestNode(base.id(l).build(), new MemoryLogStorage(cs.build())));
    }
    return net;
  }

  /** Adds a node with an empty log and no configuration (it learns it from the leader). */
  TestNode addEmpty(long id, RaftConfig.Builder base) {
    TestNode n = new TestNode(base.id(id).build(), new MemoryLogStorage());
    nodes.put(id, n);
    return n;
  }

  /** Messages delivered so far of the given type (optionally only from→to when non-zero). */
  List<Message> deliveredOf(MessageType type, long from, long to) {
    List<Message> out = new ArrayList<>();
    for (Message m : delivered) {
      if (m.getType() == type
          && (from == 0 || m.getFrom() == from)
          && (to == 0 || m.getTo() == to)) {
        out.add(m);
      }
    }
    return out;
  }

  TestNode node(long id) {
    return nodes.get(id);
  }

  /** Delivers the given messages, and everything they cause, until the network is quiet. */
  void send(List<Message> msgs) {
    ArrayDeque<Message> queue = new ArrayDeque<>(msgs);
    while (!queue.isEmpty()) {
      Message m = rewriter.apply(queue.poll());
      if (filtered(m)) {
        if (reportDroppedSnapshots
            && m.getType() == MessageType.MSG_SNAPSHOT
            && nodes.containsKey(m.getFrom())) {
          // A transport tells the leader when a snapshot could not be delivered.
          TestNode sender = nodes.get(m.getFrom());
          sender.raw.reportSnapshot(m.getTo(), SnapshotStatus.FAILURE);
          queue.addAll(sender.drain());
        }
        continue;
      }
      TestNode target = nodes.get(m.getTo());
      if (target == null) {
        continue;
      }
      delivered.add(m);
      try {
        target.raw.step(m);
      } catch (ProposalDroppedException e) {
        // A forwarded proposal dropped at its destination: a real network loses it the same way.
      }
      queue.addAll(target.drain());
    }
  }

  void send(Message m) {
    send(List.of(m));
  }

  /** Lets every node work off what it has, delivering the resulting messages. */
  void settle() {
    List<Message> msgs = new ArrayList<>();
    for (TestNode n : nodes.values()) {
      msgs.addAll(n.drain());
    }
    send(msgs);
  }

  void campaign(long id) {
    nodes.get(id).raw.campaign();
    settle();
  }

  void propose(long id, String data) {
    nodes.get(id).raw.propose(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    settle();
  }

  void tick(long id, int times) {
    for (int i = 0; i < times; i++) {
      nodes.get(id).raw.tick();
      settle();
    }
  }

  /** Ticks every node once per round, delivering messages after each round. */
  void tickAll(int rounds) {
    for (int i = 0; i < rounds; i++) {
      for (TestNode n : nodes.values()) {
        n.raw.tick();
      }
      settle();
    }
  }

  void cut(long a, long b) {
    cutPairs.add(key(a, b));
    cutPairs.add(key(b, a));
  }

  /** Drops messages from {@code from} to {@code to} only (a one-way partition). */
  void cutOneWay(long from, long to) {
    cutPairs.add(key(from, to));
  }

  void isolate(long id) {
    for (long other : nodes.keySet()) {
      if (other != id) {
        cut(id, other);
      }
    }
  }

  void drop(long from, long to, double rate) {
    dropRates.put(key(from, to), rate);
  }

  void ignore(MessageType type) {
    ignored.add(type);
  }

  /** Drops every message the predicate matches, on top of the other filters. */
  void intercept(Predicate<Message> drop) {
    interceptor = drop;
  }

  /** Rewrites every message before it is delivered (or filtered). */
  void rewrite(java.util.function.UnaryOperator<Message> f) {
    rewriter = f;
  }

  void recover() {
    cutPairs.clear();
    dropRates.clear();
    ignored.clear();
    interceptor = m -> false;
    rewriter = m -> m;
  }

  private boolean filtered(Message m) {
    if (ignored.contains(m.getType()) || interceptor.test(m)) {
      return true;
    }
    long k = key(m.getFrom(), m.getTo());
    if (cutPairs.contains(k)) {
      return true;
    }
    Double rate = dropRates.get(k);
    return rate != null && random.nextDouble() < rate;
  }

  private static long key(long from, long to) {
    return (from << 32) | to;
  }

  /** Every node snapshots its applied state and compacts its log. */
  void compactAll() {
    for (TestNode n : nodes.values()) {
      n.snapshotAndCompact();
    }
  }

  /** Ticks every node until a single leader exists (at most maxRounds rounds); returns it. */
  long electLeader(int maxRounds) {
    for (int i = 0; i < maxRounds && leader() == 0; i++) {
      tickAll(1);
    }
    return leader();
  }

  /** The single leader, or 0 if there is none or more than one claims to be. */
  long leader() {
    long leader = 0;
    for (TestNode n : nodes.values()) {
      if (n.status().role() == StateRole.LEADER) {
        if (leader != 0) {
          return 0;
        }
        leader = n.id();
      }
    }
    return leader;
  }
}
