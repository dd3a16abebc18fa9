package dev.raftboot.node;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.core.InvalidConfChangeException;
import dev.raftboot.core.Progress;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.core.confchange.ConfChanges;
import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeTransition;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.JoinResponse;
import dev.raftboot.transport.PeerAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The membership operations of one {@link RaftGroup}: adding a node as a learner after a join
 * check, promoting a learner once it has caught up, replacing a voter in one joint change, removing
 * a member. Waits poll the group's status on the timer every tick, up to the group's proposal
 * timeout.
 */
final class Membership {
  private final RaftGroup group;
  private final GroupOptions options;
  private final ScheduledExecutorService timer;
  private volatile MemberRegistry registry = MemberRegistry.local();
  private final NotLeaderFailures notLeader;
  // The waits of promote and replace, polled on the timer: failed when the group closes, which
  // also shuts a server's timer down (its queued polls would never run).
  private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
  private volatile RuntimeException closedBy;

  Membership(RaftGroup group, GroupOptions options, ScheduledExecutorService timer) {
    this.group = group;
    this.options = options;
    this.timer = timer;
    this.notLeader = new NotLeaderFailures(options.name(), this::registry);
  }

  /** This group's refusals for want of leadership, with the leader's address where known. */
  NotLeaderFailures notLeaderFailures() {
    return notLeader;
  }

  // ---------------------------------------------------------------- on the group's loop

  /** Changes proposed on this node, by proposal id, until they apply. */
  private final Map<Long, CompletableFuture<ConfState>> pending = new HashMap<>();

  /**
   * Proposes {@code cc} to the Raft node and tracks {@code f} until it applies; fails {@code f}
   * when the node refuses it.
   *
   * @return whether the change was proposed
   */
  boolean propose(RawNode raw, long proposalId, ConfChangeV2 cc, CompletableFuture<ConfState> f) {
    pending.put(proposalId, f);
    try {
      raw.proposeConfChange(cc);
      return true;
    } catch (ProposalDroppedException e) {
      pending.remove(proposalId, f);
      f.completeExceptionally(notLeader.refused(e, raw.id()));
    } catch (InvalidConfChangeException e) {
      pending.remove(proposalId, f);
      f.completeExceptionally(e);
    }
    return false;
  }

  void forget(long proposalId, CompletableFuture<ConfState> f) {
    pending.remove(proposalId, f);
  }

  void failPending(RuntimeException cause) {
    pending.values().forEach(f -> f.completeExceptionally(cause));
    pending.clear();
    closedBy = cause;
    waiting.forEach(f -> f.completeExceptionally(cause));
    waiting.clear();
  }

  /**
   * Applies a committed conf change entry to the Raft node: tells the registry (which reaches the
   * members it adds) and completes the proposer's future if it was proposed here.
   *
   * @return the configuration after it
   */
  ConfState applyCommitted(Entry e, RawNode raw, ConfState before) {
    ConfChangeV2 cc;
    try {
      cc =
          e.getType() == EntryType.ENTRY_CONF_CHANGE_V2
              ? ConfChangeV2.parseFrom(e.getData())
              : ConfChanges.toV2(ConfChange.parseFrom(e.getData()));
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(
          "group " + group.name() + ": committed entry " + e.getIndex() + " is not a conf change",
          ex);
    }
    ConfState after = raw.applyConfChange(cc);
    Map<Long, PeerAddress> addresses = Map.of();
    ProposalEnvelope env = null;
    if (!cc.getContext().isEmpty()) {
      env = ProposalEnvelope.decode(cc.getContext());
      addresses = MemberAddresses.decode(env.command());
    }
    registry.configurationChanged(group.name(), before, after, addresses);
    if (env != null && env.origin() == raw.id()) {
      CompletableFuture<ConfState> f = pending.remove(env.proposalId());
      if (f != null) {
        f.complete(after);
      }
    }
    return after;
  }

  // ---------------------------------------------------------------- operations

  void useRegistry(MemberRegistry registry) {
    this.registry = registry;
  }

  MemberRegistry registry() {
    return registry;
  }

  /**
   * Adds {@code id}, reachable at {@code address}, as a learner: refuses an id removed before, asks
   * the node whether it is {@code id} of this cluster and hosts the group, then proposes the change
   * with the address in its context so that every server can reach the new member.
   */
  CompletableFuture<ConfState> addLearner(long id, PeerAddress address) {
    String name = group.name();
    if (registry.removedIds(name).contains(id)) {
      return CompletableFuture.failedFuture(
          new JoinRejectedException(
              name,
              id,
              JoinRejectedException.Reason.REMOVED_NODE_ID,
              "it was removed from the group before; give the new node a new id"));
    }
    return registry
        .checkJoin(name, id, address, group.status().confState())
        .handle((response, failure) -> requireAccepted(id, response, failure))
        .thenCompose(
            ok ->
                group.changeMembership(
                    single(ConfChangeType.ADD_LEARNER_NODE, id), Map.of(id, address)));
  }

  private Void requireAccepted(long id, JoinResponse response, Throwable failure) {
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof UnsupportedOperationException) {
        return null; // this transport has no join check
      }
      throw new CompletionException(cause);
    }
    if (!response.getAccepted()) {
      throw new JoinRejectedException(
          group.name(),
          id,
          JoinRejectedException.parse(response.getReason()),
          response.getDetail());
    }
    return null;
  }

  /**
   * Promotes learner {@code id} to voter once it holds every entry committed when this was called
   * (so it can help commit at once). Must be asked of the leader, which knows the learner's
   * progress.
   */
  CompletableFuture<ConfState> promote(long id) {
    Status st = group.status();
    if (st.role() != StateRole.LEADER) {
      return notLeader(st, "promote must be asked of the leader, which tracks the learner");
    }
    if (!st.confState().getLearnersList().contains(id)) {
      return CompletableFuture.failedFuture(
          new InvalidConfChangeException(
              "group " + group.name() + ": node " + id + " is not a learner: " + st.confState()));
    }
    return awaitCaughtUp(id, st.commit())
        .thenCompose(ok -> group.changeMembership(single(ConfChangeType.ADD_NODE, id), Map.of()));
  }

  /**
   * Replaces voter {@code oldId} by {@code newId}: adds {@code newId} as a learner (unless it is
   * one), waits until it has caught up, then swaps the two in one joint change (both majorities
   * must agree while it is in progress) and completes once the group has left the joint config.
   */
  CompletableFuture<ConfState> replace(long oldId, long newId, PeerAddress address) {
    Status st = group.status();
    if (st.role() != StateRole.LEADER) {
      return notLeader(st, "replace must be asked of the leader, which tracks the new node");
    }
    if (!st.confState().getVotersList().contains(oldId)) {
      return CompletableFuture.failedFuture(
          new InvalidConfChangeException(
              "group " + group.name() + ": node " + oldId + " is not a voter: " + st.confState()));
    }
    CompletableFuture<?> learner =
        st.confState().getLearnersList().contains(newId)
            ? CompletableFuture.completedFuture(null)
            : addLearner(newId, address);
    ConfChangeV2 swap =
        ConfChangeV2.newBuilder()
            .setTransition(ConfChangeTransition.JOINT_IMPLICIT)
            .addChanges(change(ConfChangeType.ADD_NODE, newId))
            .addChanges(change(ConfChangeType.REMOVE_NODE, oldId))
            .build();
    return learner
        .thenCompose(ok -> awaitCaughtUp(newId, group.status().commit()))
        .thenCompose(ok -> group.changeMembership(swap, Map.of(newId, address)))
        .thenCompose(
            joint ->
                awaitConf(
                    cs -> cs.getVotersOutgoingCount() == 0 && cs.getVotersList().contains(newId)));
  }

  CompletableFuture<ConfState> remove(long id) {
    return group.changeMembership(single(ConfChangeType.REMOVE_NODE, id), Map.of());
  }

  private CompletableFuture<Void> awaitCaughtUp(long id, long required) {
    CompletableFuture<Void> f = tracked();
    long started = System.nanoTime();
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          Status st = group.status();
          Progress p = st.progress().get(id);
          long match = p == null ? 0 : p.match();
          long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          if (st.role() != StateRole.LEADER) {
            f.completeExceptionally(notLeader.of(st.leaderId(), "lost leadership while waiting"));
          } else if (match >= required) {
            f.complete(null);
          } else if (waitedMs >= options.proposalTimeout().toMillis()) {
            f.completeExceptionally(
                new LearnerNotCaughtUpException(group.name(), id, match, required, waitedMs));
          } else {
            schedule(poll[0], f);
          }
        };
    poll[0].run();
    return f;
  }

  private CompletableFuture<ConfState> awaitConf(Predicate<ConfState> done) {
    CompletableFuture<ConfState> f = tracked();
    long deadline = System.nanoTime() + options.proposalTimeout().toNanos();
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          ConfState cs = group.status().confState();
          if (done.test(cs)) {
            f.complete(cs);
          } else if (System.nanoTime() > deadline) {
            f.completeExceptionally(
                new ProposalTimeoutException(
                    group.name(), 0, options.proposalTimeout().toMillis()));
          } else {
            schedule(poll[0], f);
          }
        };
    poll[0].run();
    return f;
  }

  /** A future failed when the group closes, and forgotten once done. */
  private <T> CompletableFuture<T> tracked() {
    CompletableFuture<T> f = new CompletableFuture<>();
    waiting.add(f);
    f.whenComplete((r, e) -> waiting.remove(f));
    RuntimeException closed = closedBy;
    if (closed != null) {
      f.completeExceptionally(closed);
    }
    return f;
  }

  /** Polls again after a tick, unless the wait is over (answered, or failed by a close). */
  private void schedule(Runnable poll, CompletableFuture<?> f) {
    if (f.isDone()) {
      return;
    }
    try {
      timer.schedule(poll, options.tickInterval().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new GroupClosedException(group.name()));
    }
  }

  private <T> CompletableFuture<T> notLeader(Status st, String reason) {
    return CompletableFuture.failedFuture(notLeader.of(st.leaderId(), reason));
  }

  private static ConfChangeSingle change(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }

  static ConfChangeV2 single(ConfChangeType type, long id) {
    return ConfChangeV2.newBuilder().addChanges(change(type, id)).build();
  }
}
