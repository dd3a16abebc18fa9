package dev.raftboot.node;

import dev.raftboot.core.Progress;
import dev.raftboot.core.StateRole;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link RaftGroup}'s state through Micrometer, as meters named {@code raft.*} tagged
 * with the group: term, commit, applied and last index, apply lag, whether this node leads,
 * proposals (count, failures, latency from propose to apply), commit and apply latency, leader
 * changes, log size, snapshots (count, duration), and per peer (tag {@code peer}) the match index
 * and the entries in flight. Needs micrometer-core on the classpath (an optional dependency of
 * raft-core).
 */
public final class RaftGroupMetrics implements MeterBinder {
  private final RaftGroup group;
  private final Set<Long> peersBound = ConcurrentHashMap.newKeySet();
  private volatile MeterRegistry registry;
  private volatile Tags tags;

  public RaftGroupMetrics(RaftGroup group) {
    this.group = group;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("group", group.name());
    Gauge.builder("raft.term", group, g -> g.status().term())
        .tags(tags)
        .description("current term")
        .register(registry);
    Gauge.builder("raft.commit.index", group, g -> g.status().commit())
        .tags(tags)
        .description("highest index known committed")
        .register(registry);
    Gauge.builder("raft.applied.index", group, RaftGroup::appliedIndex)
        .tags(tags)
        .description("highest index the state machine applied")
        .register(registry);
    Gauge.builder("raft.apply.lag", group, g -> g.status().commit() - g.appliedIndex())
        .tags(tags)
        .description("committed entries not yet applied")
        .register(registry);
    Gauge.builder("raft.log.last.index", group, g -> g.status().lastIndex())
        .tags(tags)
        .description("index of the last entry in the log")
        .register(registry);
    Gauge.builder("raft.leader", group, g -> g.status().role() == StateRole.LEADER ? 1 : 0)
        .tags(tags)
        .description("1 while this node leads the group")
        .register(registry);
    GroupStats stats = group.stats();
    FunctionCounter.builder("raft.proposals", stats, GroupStats::proposals)
        .tags(tags)
        .description("commands proposed on this node")
        .register(registry);
    FunctionCounter.builder("raft.proposals.failed", stats, GroupStats::proposalsFailed)
        .tags(tags)
        .description("proposals that failed or timed out")
        .register(registry);
    FunctionCounter.builder("raft.leader.changes", stats, GroupStats::leadershipsGranted)
        .tags(tags)
        .description("times this node was granted leadership")
        .register(registry);
    FunctionCounter.builder("raft.messages.rejected", stats, GroupStats::messagesRejected)
        .tags(tags)
        .description("peer messages the group refused as malformed")
        .register(registry);
    FunctionCounter.builder("raft.snapshots", stats, GroupStats::snapshotsTaken)
        .tags(tags)
        .description("snapshots taken and recorded")
        .register(registry);
    Timer proposalLatency =
        Timer.builder("raft.proposal.latency")
            .tags(tags)
            .description("time from propose to apply on this node")
            .register(registry);
    stats.onProposalLatency(nanos -> proposalLatency.record(nanos, TimeUnit.NANOSECONDS));
    Timer commitLatency =
        Timer.builder("raft.commit.latency")
            .tags(tags)
            .description("time from appending entries on this node to knowing them committed")
            .register(registry);
    stats.onCommitLatency(nanos -> commitLatency.record(nanos, TimeUnit.NANOSECONDS));
    Timer applyLatency =
        Timer.builder("raft.apply.latency")
            .tags(tags)
            .description("time from entries being committed to the state machine applying them")
            .register(registry);
    stats.onApplyLatency(nanos -> applyLatency.record(nanos, TimeUnit.NANOSECONDS));
    Timer snapshotDuration =
        Timer.builder("raft.snapshot.duration")
            .tags(tags)
            .description("time to record a snapshot: write its image, compact the log")
            .register(registry);
    stats.onSnapshotDuration(nanos -> snapshotDuration.record(nanos, TimeUnit.NANOSECONDS));
    FunctionCounter.builder("raft.leader.changes.seen", stats, GroupStats::leaderChangesSeen)
        .tags(tags)
        .description("changes of leader this node has seen")
        .register(registry);
    Gauge.builder("raft.log.entries", this, m -> m.logEntries())
        .tags(tags)
        .description("entries held in the log (after compaction)")
        .register(registry);
    this.registry = registry;
    this.tags = tags;
    bindNewPeers();
  }

  private double logEntries() {
    bindNewPeers();
    return Math.max(0, group.status().lastIndex() - group.stats().logFirstIndex() + 1);
  }

  /**
   * Registers the per-peer meters of members seen for the first time. Checked whenever the registry
   * reads {@code raft.log.entries}, so a new member's meters appear from the next scrape on.
   */
  public void bindNewPeers() {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    for (long peer : MemberRegistry.members(group.status().confState())) {
      if (peer == group.status().id() || !peersBound.add(peer)) {
        continue;
      }
      Tags peerTags = tags.and("peer", Long.toString(peer));
      Gauge.builder("raft.peer.match.index", group, g -> progress(g, peer, true))
          .tags(peerTags)
          .description("highest index known replicated to the peer (NaN unless leading)")
          .register(r);
      Gauge.builder("raft.peer.inflight", group, g -> progress(g, peer, false))
          .tags(peerTags)
          .description("entries sent to the peer and not yet acknowledged (NaN unless leading)")
          .register(r);
    }
  }

  private static double progress(RaftGroup g, long peer, boolean match) {
    Progress p = g.status().progress().get(peer);
    if (p == null) {
      return Double.NaN;
    }
    return match ? p.match() : Math.max(0, p.next() - p.match() - 1);
  }
}
