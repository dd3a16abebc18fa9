package dev.raftboot.node;

import dev.raftboot.core.ProgressState;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Message;
import dev.raftboot.testkit.KvStateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Groups of one cluster in one JVM, connected by a router that can cut nodes off. */
final class LocalCluster implements AutoCloseable {
  final ExecutorService pool = Executors.newFixedThreadPool(2);
  final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
  final TreeMap<Long, RaftGroup> groups = new TreeMap<>();
  final TreeMap<Long, KvStateMachine> machines = new TreeMap<>();

  /** Every node's current state machine, whatever its type. */
  final TreeMap<Long, StateMachine> stateMachines = new TreeMap<>();

  final TreeMap<Long, MemoryGroupStorage> storages = new TreeMap<>();

  /** The timer each node ticks on. */
  final Map<Long, ScheduledExecutorService> timers = new ConcurrentHashMap<>();

  private final boolean timerPerNode;
  private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
  private final GroupOptions options;
  private final RaftConfig.Builder config;
  private final Supplier<StateMachine> newStateMachine;

  /** Wraps a node's storage when it starts, e.g. to hold its writes (node id, storage). */
  java.util.function.BiFunction<Long, GroupStorage, GroupStorage> storageWrapper = (id, s) -> s;

  LocalCluster(int voters, int learners, GroupOptions options, RaftConfig.Builder config) {
    this(voters, learners, options, config, KvStateMachine::new);
  }

  /** A cluster whose nodes run state machines from {@code newStateMachine}. */
  LocalCluster(
      int voters,
      int learners,
      GroupOptions options,
      RaftConfig.Builder config,
      Supplier<StateMachine> newStateMachine) {
    this(voters, learners, options, config, newStateMachine, false);
  }

  /**
   * As above; with {@code timerPerNode} every node ticks on a timer of its own ({@link #timers}),
   * which a test can stall to stop one node's ticks as a process pause would.
   */
  LocalCluster(
      int voters,
      int learners,
      GroupOptions options,
      RaftConfig.Builder config,
      Supplier<StateMachine> newStateMachine,
      boolean timerPerNode) {
    this.timerPerNode = timerPerNode;
    this.options = options;
    this.config = config;
    this.newStateMachine = newStateMachine;
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id = 1; id <= voters; id++) {
      cs.addVoters(id);
    }
    for (long id = voters + 1; id <= voters + learners; id++) {
      cs.addLearners(id);
    }
    for (long id = 1; id <= voters + learners; id++) {
      storages.put(id, MemoryGroupStorage.bootstrap(cs.build()));
      start(id);
    }
  }

  static LocalCluster of(int voters) {
    return of(voters, options(Duration.ofSeconds(3), 10_000, 100));
  }

  /** Voters with 10 ms ticks, pre-vote and check-quorum, and {@code options}. */
  static LocalCluster of(int voters, GroupOptions options) {
    return new LocalCluster(voters, 0, options, config());
  }

  /** 10 ticks to an election, a heartbeat every tick, pre-vote and check-quorum. */
  static RaftConfig.Builder config() {
    return RaftConfig.builder().electionTick(10).heartbeatTick(1).preVote(true).checkQuorum(true);
  }

  /** Group "kv" with 10 ms ticks. */
  static GroupOptions options(Duration proposalTimeout, long snapshotEvery, long keepEntries) {
    return new GroupOptions(
        "kv", Duration.ofMillis(10), proposalTimeout, snapshotEvery, keepEntries);
  }

  /** Starts (or restarts) node {@code id} from its storage, with a fresh state machine. */
  RaftGroup start(long id) {
    StateMachine sm = newStateMachine.get();
    RaftGroup g =
        new RaftGroup(
            options,
            config.id(id).randomSeed(id).build(),
            storageWrapper.apply(id, storages.get(id)),
            sm,
            msgs -> route(id, msgs),
            pool,
            timers.computeIfAbsent(
                id, k -> timerPerNode ? Executors.newSingleThreadScheduledExecutor() : timer));
    stateMachines.put(id, sm);
    if (sm instanceof KvStateMachine kv) {
      machines.put(id, kv);
    }
    groups.put(id, g);
    g.start();
    return g;
  }

  private void route(long from, List<Message> msgs) {
    Map<Long, List<Message>> byTarget = new TreeMap<>();
    for (Message m : msgs) {
      if (isolated.contains(from) || isolated.contains(m.getTo())) {
        continue;
      }
      byTarget.computeIfAbsent(m.getTo(), k -> new ArrayList<>()).add(m);
    }
    byTarget.forEach(
        (to, batch) -> {
          RaftGroup g = groups.get(to);
          if (g != null) {
            g.receive(batch);
          }
        });
  }

  void isolate(long id) {
    isolated.add(id);
  }

  /**
   * Stops node {@code id} as a crash would: nothing is handed over, traffic to and from it is
   * dropped until {@link #restart}.
   */
  void crash(long id) {
    isolated.add(id);
    groups.get(id).close();
  }

  /** Starts a crashed node again from its storage, with a fresh state machine. */
  RaftGroup restart(long id) {
    RaftGroup g = start(id);
    isolated.remove(id);
    return g;
  }

  void heal() {
    isolated.clear();
  }

  /** Waits until a node that is not cut off leads (and has been granted); returns it. */
  long awaitLeader() {
    Map<Long, RaftGroup> reachable = new TreeMap<>(groups);
    reachable.keySet().removeAll(isolated);
    return awaitLeader(reachable, "a leader");
  }

  /** Waits until one of {@code groups} (node id → group) leads; returns its node id. */
  static long awaitLeader(Map<Long, RaftGroup> groups, String what) {
    long[] found = new long[1];
    await(
        () -> {
          for (Map.Entry<Long, RaftGroup> e : groups.entrySet()) {
            if (e.getValue().isLeader()) {
              found[0] = e.getKey();
              return true;
            }
          }
          return false;
        },
        what);
    return found[0];
  }

  /**
   * Waits until {@code leader} streams to every follower (REPLICATE, caught up). A test that then
   * holds the leader's loop needs it: a follower still probing gets no append until its answer is
   * stepped, which the hold blocks.
   */
  void awaitFollowersStreaming(long leader) {
    RaftGroup g = groups.get(leader);
    await(
        () ->
            g.status().progress().entrySet().stream()
                .filter(e -> e.getKey() != leader)
                .allMatch(
                    e ->
                        e.getValue().state() == ProgressState.REPLICATE
                            && e.getValue().match() == g.status().lastIndex()),
        "node " + leader + " streams to every follower");
  }

  long someFollower(long leader) {
    for (Map.Entry<Long, RaftGroup> e : groups.entrySet()) {
      if (e.getKey() != leader && e.getValue().status().role() != StateRole.LEADER) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("no follower");
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    groups.values().forEach(RaftGroup::close);
    timers.values().forEach(ScheduledExecutorService::shutdownNow);
    timer.shutdownNow();
    pool.shutdownNow();
  }
}
