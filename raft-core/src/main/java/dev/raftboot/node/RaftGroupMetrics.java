package dev.raftboot.node;

import dev.raftboot.core.StateRole;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link RaftGroup}'s state through Micrometer, as meters named {@code raft.*} tagged
 * with the group: term, commit, applied and last index, apply lag, whether this node leads,
 * proposals (count, failures, latency from propose to apply), leaderships granted, snapshots. Needs
 * micrometer-core on the classpath (an optional dependency of raft-core).
 */
public final class RaftGroupMetrics implements MeterBinder {
  private final RaftGroup group;

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
    FunctionCounter.builder("raft.snapshots", stats, GroupStats::snapshotsTaken)
        .tags(tags)
        .description("snapshots taken and recorded")
        .register(registry);
    Timer commitLatency =
        Timer.builder("raft.proposal.latency")
            .tags(tags)
            .description("time from propose to apply on this node")
            .register(registry);
    stats.onProposalLatency(nanos -> commitLatency.record(nanos, TimeUnit.NANOSECONDS));
  }
}
