package dev.raftboot.node;

import dev.raftboot.core.RawNode;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The leadership transfers asked for on one group, each answered once its outcome shows in this
 * node's status: done when the target is the leader this node knows; failed when the leader gave
 * the transfer up (the core aborts one whose target has not taken over within an election timeout;
 * seen on the leader), when a later term has another leader, or when nothing was decided within the
 * timeout. A follower forwards the request to the leader, as the core does. Loop-only.
 */
final class LeadershipTransfers {
  private final String group;
  private final long timeoutNanos;
  private final NotLeaderFailures notLeader;
  private final List<Pending> pending = new ArrayList<>();

  private record Pending(
      long transferee, CompletableFuture<Void> future, long startedNanos, long term) {}

  LeadershipTransfers(String group, long timeoutNanos, NotLeaderFailures notLeader) {
    this.group = group;
    this.timeoutNanos = timeoutNanos;
    this.notLeader = notLeader;
  }

  /** Asks for leadership to go to {@code transferee}; {@code f} tells the outcome. */
  void request(RawNode raw, long transferee, CompletableFuture<Void> f, long nowNanos) {
    Status st = raw.status();
    if (st.leaderId() == transferee) {
      f.complete(null);
      return;
    }
    if (st.leaderId() == 0) {
      f.completeExceptionally(notLeader.of(0, "no leader is known to transfer leadership from"));
      return;
    }
    if (!st.confState().getVotersList().contains(transferee)) {
      f.completeExceptionally(
          new IllegalArgumentException(
              "node " + transferee + " is not a voter of group " + group + ": it cannot lead"));
      return;
    }
    raw.transferLeader(transferee);
    pending.add(new Pending(transferee, f, nowNanos, st.term()));
  }

  /** Answers the transfers whose outcome {@code st} shows (called after every loop pass). */
  void check(Status st) {
    if (pending.isEmpty()) {
      return; // every loop pass comes here
    }
    long nowNanos = System.nanoTime();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      String failure;
      if (p.future.isDone()) {
        failure = null;
      } else if (st.leaderId() == p.transferee) {
        p.future.complete(null);
        failure = null;
      } else if (st.term() > p.term && st.leaderId() != 0) {
        failure = "node " + st.leaderId() + " leads instead";
      } else if (st.term() == p.term
          && st.role() == StateRole.LEADER
          && st.leadTransferee() != p.transferee) {
        failure =
            st.leadTransferee() == 0
                ? "it did not take over within an election timeout (behind, or unreachable)"
                : "a transfer to node " + st.leadTransferee() + " replaced it";
      } else if (nowNanos - p.startedNanos > timeoutNanos) {
        failure = "no outcome within " + timeoutNanos / 1_000_000 + " ms of the request";
      } else {
        continue;
      }
      if (failure != null) {
        p.future.completeExceptionally(
            new LeadershipTransferException(group, p.transferee, failure));
      }
      it.remove();
    }
  }

  /** Fails every transfer still waiting with {@code e} (the group closes). */
  void failAll(RuntimeException e) {
    pending.forEach(p -> p.future.completeExceptionally(e));
    pending.clear();
  }
}
