package dev.raftboot.spring;

import dev.raftboot.node.FencingToken;
import dev.raftboot.node.RaftGroup;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

/**
 * Submits commands to, and reads from, the application's Raft groups, from any node.
 *
 * <pre>{@code
 * CompletableFuture<OrderResult> placed = raft.submit("orders", new PlaceOrder(id, items));
 * CompletableFuture<Integer> open = raft.read("orders", (Orders o) -> o.openCount());
 * }</pre>
 *
 * <p>Futures fail with the runtime's typed exceptions: {@link dev.raftboot.node.NotLeaderException}
 * (no leader is known, or the node refused the command before replicating it), {@link
 * dev.raftboot.node.ProposalTimeoutException} (the outcome is unknown), {@link
 * dev.raftboot.node.GroupClosedException} (the node is shutting down).
 */
public class RaftTemplate {
  private final RaftRuntime runtime;
  private final Executor readExecutor;

  public RaftTemplate(RaftRuntime runtime) {
    this(runtime, ForkJoinPool.commonPool());
  }

  /**
   * @param readExecutor runs the reader functions of {@link #read}, so a slow reader never holds a
   *     runtime thread
   */
  public RaftTemplate(RaftRuntime runtime, Executor readExecutor) {
    this.runtime = runtime;
    this.readExecutor = readExecutor;
  }

  /**
   * Replicates {@code command} through the group's log (forwarded to the leader when this node is a
   * follower) and completes with what the state machine's {@code apply} returned on this node.
   *
   * @param command an object of the group's command type, or {@code byte[]} for a group whose bean
   *     takes raw bytes
   * @throws IllegalArgumentException if the group does not exist or the command is of the wrong
   *     type
   */
  @SuppressWarnings("unchecked")
  public <R> CompletableFuture<R> submit(String group, Object command) {
    RaftGroupDefinition def = runtime.definition(group);
    byte[] bytes;
    if (def.codec() == null) {
      if (!(command instanceof byte[] raw)) {
        throw new IllegalArgumentException(
            "group '" + group + "' takes byte[] commands, not " + typeOf(command));
      }
      bytes = raw;
    } else {
      try {
        bytes = def.codec().encode(command);
      } catch (ClassCastException e) {
        throw new IllegalArgumentException(
            "group '" + group + "' cannot encode a command of type " + typeOf(command), e);
      }
    }
    return (CompletableFuture<R>) runtime.group(group).propose(bytes);
  }

  /** A linearizable read: {@link #read(String, ReadConsistency, Function)} with LINEARIZABLE. */
  public <S, T> CompletableFuture<T> read(String group, Function<S, T> reader) {
    return read(group, ReadConsistency.LINEARIZABLE, reader);
  }

  /**
   * Reads the group's state-machine bean on this node at the given consistency: {@code reader} gets
   * the bean once this node has applied every write the consistency demands.
   *
   * @param <S> the type of the group's bean
   */
  @SuppressWarnings("unchecked")
  public <S, T> CompletableFuture<T> read(
      String group, ReadConsistency consistency, Function<S, T> reader) {
    S bean = (S) runtime.definition(group).bean();
    RaftGroup g = runtime.group(group);
    CompletableFuture<Void> barrier =
        switch (consistency) {
          case LINEARIZABLE -> g.linearizableBarrier();
          case LEASE -> g.leaseBarrier();
          case STALE -> CompletableFuture.completedFuture(null);
        };
    return barrier.thenApplyAsync(ignored -> reader.apply(bean), readExecutor);
  }

  /** Whether this node leads {@code group} (and has committed an entry of its term). */
  public boolean isLeader(String group) {
    return runtime.group(group).isLeader();
  }

  /** The leader of {@code group} as this node knows it. */
  public Optional<LeaderInfo> leader(String group) {
    return runtime.leader(group);
  }

  /** The fencing token of this node's current leadership of {@code group}; empty if not leader. */
  public Optional<FencingToken> fencingToken(String group) {
    return runtime.group(group).fencingToken();
  }

  /** The runtime group, for what this template does not wrap (membership, status, metrics). */
  public RaftGroup group(String group) {
    return runtime.group(group);
  }

  private static String typeOf(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
