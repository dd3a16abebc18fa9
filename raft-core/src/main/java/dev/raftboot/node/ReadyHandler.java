package dev.raftboot.node;

import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Does what one {@link Ready} asks, in the order that keeps it safe and fast: store a snapshot's
 * image, send what may go before the write, hand committed entries to the applier, persist (the
 * group commit's sync), send the rest, install a snapshot, answer read barriers, advance. Runs on
 * its group's loop only; holds the configuration as of the Ready handled last.
 */
final class ReadyHandler {
  private final String group;
  private final RawNode raw;
  private final GroupStorage storage;
  private final MessageSender sender;
  private final GroupSnapshots snapshots;
  private final Applier applier;
  private final Membership membership;
  private final ReadBarriers reads;
  private final LeadershipTracker leadership;
  private final GroupStats stats;
  private final CommitClock commitClock = new CommitClock();

  private ConfState confState;
  // The role as of the Ready being handled, and the term and vote known durable.
  private StateRole readyRole = StateRole.FOLLOWER;
  private long durableTerm;
  private long durableVote;

  ReadyHandler(
      String group,
      RawNode raw,
      GroupStorage storage,
      MessageSender sender,
      GroupSnapshots snapshots,
      Applier applier,
      Membership membership,
      ReadBarriers reads,
      LeadershipTracker leadership,
      GroupStats stats) {
    this.group = group;
    this.raw = raw;
    this.storage = storage;
    this.sender = sender;
    this.snapshots = snapshots;
    this.applier = applier;
    this.membership = membership;
    this.reads = reads;
    this.leadership = leadership;
    this.stats = stats;
    this.confState = raw.status().confState();
    this.durableTerm = raw.status().term();
    this.durableVote = raw.status().vote();
  }

  /** The group's configuration as of the last Ready handled (or the start). */
  ConfState confState() {
    return confState;
  }

  void handle(Ready rd) {
    // The image is stored (durably, under its final name) before the log records the snapshot.
    rd.snapshot().ifPresent(snapshots::install);
    boolean sendFirst = canSendBeforePersisting(rd);
    if (sendFirst && !rd.messages().isEmpty()) {
      sender.send(rd.messages());
    }
    boolean applyFirst = rd.snapshot().isEmpty();
    if (applyFirst) {
      // Committed entries are durable on a quorum already: they are applied while this node
      // syncs the Ready's new entries, not after (as etcd's server does), so a commit does not
      // wait behind the sync of the entries proposed after it.
      handToApplier(rd);
    }
    storage.persist(rd);
    rd.hardState()
        .ifPresent(
            hs -> {
              durableTerm = hs.getTerm();
              durableVote = hs.getVote();
            });
    commitClock.onPersisted(rd, stats);
    if (!sendFirst && !rd.messages().isEmpty()) {
      sender.send(rd.messages());
    }
    rd.snapshot()
        .ifPresent(
            s -> {
              ConfState before = confState;
              confState = s.getMetadata().getConfState();
              membership.registry().configurationChanged(group, before, confState, Map.of());
              applier.restore(s.getMetadata());
            });
    if (!applyFirst) {
      handToApplier(rd);
    }
    reads.onReadStates(rd.readStates(), applier::whenApplied);
    raw.advance(rd);
    leadership.onReady(rd);
    // An answered safe read index lets the barriers that queued behind it go out.
    reads.issue(raw);
  }

  /** Hands the Ready's committed entries to the applier, applying conf changes on the way. */
  private void handToApplier(Ready rd) {
    if (rd.committedEntries().isEmpty()) {
      return;
    }
    for (Entry e : rd.committedEntries()) {
      if (e.getType() == EntryType.ENTRY_CONF_CHANGE_V2
          || e.getType() == EntryType.ENTRY_CONF_CHANGE) {
        confState = membership.applyCommitted(e, raw, confState);
      }
    }
    applier.apply(rd.committedEntries(), confState);
    LongConsumer applyLatency = stats.applyLatencyNanos;
    if (applyLatency != null) {
      long handedAt = System.nanoTime();
      applier.execute(() -> applyLatency.accept(System.nanoTime() - handedAt));
    }
  }

  /**
   * Whether this Ready's messages may go out before its writes are durable (thesis §10.2.1): a
   * leader's appends may, because it counts its own log toward a commit only once {@code advance}
   * reports it persisted. Never a term or vote not yet on disk (a crash could then let this node
   * vote twice in a term), nor a follower's answers, which promise what it stored.
   */
  private boolean canSendBeforePersisting(Ready rd) {
    rd.softState().ifPresent(soft -> readyRole = soft.role());
    if (readyRole != StateRole.LEADER || rd.snapshot().isPresent()) {
      return false;
    }
    return rd.hardState()
        .map(hs -> hs.getTerm() == durableTerm && hs.getVote() == durableVote)
        .orElse(true);
  }
}
