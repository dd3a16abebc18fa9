package dev.raftboot.testkit;

import dev.raftboot.testkit.linearizability.History;
import dev.raftboot.testkit.linearizability.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The clients of a {@link Simulation} and what they saw: a fixed number of clients with at most one
 * operation outstanding each (as in Jepsen), the history on a logical clock, and the settling of
 * operations nobody heard back from.
 */
final class ClientHistory<I, O> {
  /** A client that gave up on an operation waiting on node {@code node}. */
  record Expired<I>(long node, SimNode.Waiting<I> op) {}

  private final Workload<I, O> workload;
  private final List<Operation<I, O>> history = new ArrayList<>();

  /** The result of every write that took effect, by operation id (all nodes agree on it). */
  private final Map<Long, Object> writeResults = new HashMap<>();

  /** When each write was first applied anywhere: by then it had taken effect. */
  private final Map<Long, Long> firstAppliedAt = new HashMap<>();

  /** Operations whose client gave up (its node crashed, or the run ended) before an answer. */
  private final List<SimNode.Waiting<I>> unresolved = new ArrayList<>();

  /** Each client's outstanding operation (null when idle), where, and until when it waits. */
  private final List<SimNode.Waiting<I>> outstanding = new ArrayList<>();

  private final long[] clientNode;
  private final long[] clientDeadline;
  private long clock;

  ClientHistory(Workload<I, O> workload, int clients) {
    this.workload = workload;
    for (int c = 0; c < clients; c++) {
      outstanding.add(null);
    }
    this.clientNode = new long[clients];
    this.clientDeadline = new long[clients];
  }

  /** The next instant of the logical clock: every event gets its own. */
  long now() {
    return ++clock;
  }

  /** A random idle client, or -1 when every client waits. */
  int idleClient(SplittableRandom random) {
    List<Integer> idle = new ArrayList<>();
    for (int c = 0; c < outstanding.size(); c++) {
      if (outstanding.get(c) == null) {
        idle.add(c);
      }
    }
    return idle.isEmpty() ? -1 : idle.get(random.nextInt(idle.size()));
  }

  void started(SimNode.Waiting<I> op, long node, long deadlineStep) {
    outstanding.set(op.client(), op);
    clientNode[op.client()] = node;
    clientDeadline[op.client()] = deadlineStep;
  }

  /** Clients whose deadline passed give up; the caller forgets their operations on the nodes. */
  List<Expired<I>> expire(long step) {
    List<Expired<I>> expired = new ArrayList<>();
    for (int c = 0; c < outstanding.size(); c++) {
      SimNode.Waiting<I> w = outstanding.get(c);
      if (w != null && clientDeadline[c] <= step) {
        expired.add(new Expired<>(clientNode[c], w));
        giveUp(w);
      }
    }
    return expired;
  }

  /** The client stops waiting; what the operation did is settled at the end. */
  void giveUp(SimNode.Waiting<I> op) {
    unresolved.add(op);
    release(op);
  }

  /** The client stops waiting for an operation that certainly had no effect. */
  void release(SimNode.Waiting<I> op) {
    if (op.client() >= 0 && outstanding.get(op.client()) == op) {
      outstanding.set(op.client(), null);
    }
  }

  /** A write took effect somewhere; the first report wins (all nodes compute the same). */
  void applied(long opId, Object result) {
    if (!writeResults.containsKey(opId)) {
      writeResults.put(opId, result);
      firstAppliedAt.put(opId, now());
    }
  }

  Object resultOf(long opId) {
    return writeResults.get(opId);
  }

  void complete(SimNode.Waiting<I> op, O output) {
    complete(op, output, now());
  }

  private void complete(SimNode.Waiting<I> op, O output, long respondedAt) {
    release(op);
    history.add(
        Operation.completed(
            (int) (op.opId() % Integer.MAX_VALUE),
            op.input(),
            output,
            op.invokedAt(),
            respondedAt));
  }

  /**
   * Settles the operations no client heard back from and returns the history. The cluster has
   * quiesced, so what took effect is known: a write that was applied took effect, with the result
   * every node computed, after it was invoked and no later than the first time any node applied it;
   * anything else never took effect (a read never has any). Recording them so, rather than as "may
   * or may not have happened", keeps the linearizability search small without hiding any anomaly.
   */
  History<I, O> settle() {
    for (SimNode.Waiting<I> w : unresolved) {
      if (!workload.isRead(w.input()) && writeResults.containsKey(w.opId())) {
        complete(
            w,
            workload.writeOutput(w.input(), writeResults.get(w.opId())),
            firstAppliedAt.get(w.opId()));
      }
    }
    unresolved.clear();
    return History.of(history);
  }
}
