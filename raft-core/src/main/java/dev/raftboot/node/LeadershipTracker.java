package dev.raftboot.node;

import dev.raftboot.core.Ready;
import dev.raftboot.core.SoftState;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.proto.Entry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a group's leadership from its Readies and tells {@link LeadershipListener}s. Leadership
 * is granted once this leader has committed an entry of its own term (its view of the log is then
 * complete), announced after the state machine applied that entry; it is revoked as soon as the
 * node steps down. {@link #onReady} runs on the group's loop only.
 */
final class LeadershipTracker {
  private static final Logger log = LoggerFactory.getLogger(LeadershipTracker.class);
  private final CopyOnWriteArrayList<Registered> listeners = new CopyOnWriteArrayList<>();
  private final SerialExecutor notifications;
  private final Executor afterApply;
  private final GroupStats stats;

  // Loop-only state.
  private StateRole role = StateRole.FOLLOWER;
  private long term;
  private long grantedTerm = -1;
  private long leaderId;

  private volatile FencingToken fencingToken;

  /**
   * @param afterApply runs a task once everything handed to the applier so far is applied
   */
  LeadershipTracker(Executor pool, Executor afterApply, GroupStats stats, long startTerm) {
    this.notifications = new SerialExecutor(pool);
    this.afterApply = afterApply;
    this.stats = stats;
    this.term = startTerm;
  }

  /** A listener and the term it was last told it leads; touched on the notifications executor. */
  private static final class Registered {
    final LeadershipListener listener;
    long grantedTerm = -1;

    Registered(LeadershipListener listener) {
      this.listener = listener;
    }

    void granted(FencingToken token) {
      if (grantedTerm != token.term()) {
        grantedTerm = token.term();
        listener.granted(token.term(), token);
      }
    }

    void revoked(long term) {
      if (grantedTerm == term) {
        grantedTerm = -1;
        listener.revoked(term);
      }
    }
  }

  /**
   * Registers {@code listener}. One added while this node leads is told so at once (once the entry
   * that granted the leadership is applied, like every grant): a listener never misses a leadership
   * that began before it was added. Each listener hears of a term's grant once, and of its
   * revocation only after its grant.
   */
  void addListener(LeadershipListener listener) {
    Registered r = new Registered(listener);
    afterApply.execute(
        () ->
            notifications.execute(
                () -> {
                  listeners.add(r);
                  FencingToken current = fencingToken;
                  if (current != null) {
                    r.granted(current);
                  }
                }));
  }

  /** The token of the current leadership, or null when not leading. */
  FencingToken fencingToken() {
    return fencingToken;
  }

  /** The group closed: a leadership it still held ends here (no later Ready will say so). */
  void closed() {
    endLeadership();
    role = StateRole.FOLLOWER;
  }

  private void endLeadership() {
    long revokedTerm = grantedTerm;
    fencingToken = null;
    if (revokedTerm >= 0) {
      grantedTerm = -1;
      notifications.execute(() -> listeners.forEach(l -> l.revoked(revokedTerm)));
    }
  }

  void onReady(Ready rd) {
    rd.hardState().ifPresent(hs -> term = hs.getTerm());
    StateRole newRole = rd.softState().map(SoftState::role).orElse(role);
    if (rd.softState().isPresent() && rd.softState().get().leaderId() != leaderId) {
      leaderId = rd.softState().get().leaderId();
      stats.leaderChangesSeen.increment();
    }
    if (role == StateRole.LEADER && newRole != StateRole.LEADER) {
      endLeadership();
    }
    role = newRole;
    if (role != StateRole.LEADER || grantedTerm == term) {
      return;
    }
    for (Entry e : rd.committedEntries()) {
      if (e.getTerm() == term) {
        FencingToken token = new FencingToken(term, e.getIndex());
        grantedTerm = term;
        fencingToken = token;
        stats.leadershipsGranted.increment();
        afterApply.execute(() -> notifications.execute(() -> announce(token)));
        return;
      }
    }
  }

  /**
   * Tells the listeners of a grant, unless that leadership already ended: the grant waits for the
   * applier, the revocation does not, so a node that stepped down while its state machine caught up
   * would otherwise announce a leadership after its end, and never revoke it. Step-down clears the
   * token before it queues the revocation on this same executor, so a grant either runs before the
   * revocation or sees the token gone.
   */
  private void announce(FencingToken token) {
    if (fencingToken == token) {
      listeners.forEach(l -> l.granted(token));
    }
  }

  /**
   * If {@code group} leads, hands leadership to a voter ({@link HandOffTarget}) and waits (up to
   * {@code grace}) until it has stepped down and knows the new leader.
   *
   * @return whether the node is no longer the leader
   */
  static boolean handOff(RaftGroup group, long self, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    if (startHandOff(group, self)) {
      awaitHandOff(group, self, deadline);
    }
    return group.status().role() != StateRole.LEADER;
  }

  /**
   * If {@code group} leads, asks it to hand leadership to a voter ({@link HandOffTarget}), without
   * waiting.
   *
   * @return whether a hand-off was asked for (false: not leading, or no voter can take it)
   */
  static boolean startHandOff(RaftGroup group, long self) {
    Status st = group.status();
    if (st.role() != StateRole.LEADER) {
      return false;
    }
    Map<Long, Duration> uptimes = group.peerUptimes();
    long target = HandOffTarget.choose(st, self, uptimes);
    if (target == 0) {
      return false;
    }
    log.info(
        "group {}: handing leadership to {} (match {}, connected for {} ms)",
        group.name(),
        target,
        HandOffTarget.match(st, target),
        uptimes.getOrDefault(target, Duration.ZERO).toMillis());
    group.transferLeadership(target);
    return true;
  }

  /**
   * Waits, until {@code deadlineNanos} ({@link System#nanoTime()}), for {@code group} to have
   * stepped down and to know its new leader.
   */
  static void awaitHandOff(RaftGroup group, long self, long deadlineNanos) {
    // Until the new leader is known here, not only until this node stepped down: proposals that
    // followers forwarded during the hand-off are held by this node and go to the new leader when
    // its first message arrives (the status is published after that pass's sends).
    while (!newLeaderKnown(group.status(), self) && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private static boolean newLeaderKnown(Status st, long self) {
    return st.role() != StateRole.LEADER && st.leaderId() != 0 && st.leaderId() != self;
  }
}
