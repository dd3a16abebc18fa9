package dev.raftboot.spring.actuate;

import dev.raftboot.core.Status;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.spring.RaftRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code raft} health contributor: one indicator per group. A group is UP when a leader is
 * known and this node has applied to within {@code maxApplyLag} entries of the commit index; DOWN
 * when no leader is known (the group has no quorum, or this node is cut off from it);
 * OUT_OF_SERVICE while this node catches up.
 */
public final class RaftHealthContributor implements CompositeHealthContributor {
  private final RaftRuntime runtime;
  private final long maxApplyLag;

  public RaftHealthContributor(RaftRuntime runtime, long maxApplyLag) {
    this.runtime = runtime;
    this.maxApplyLag = maxApplyLag;
  }

  @Override
  public HealthContributor getContributor(String name) {
    return runtime.groupNames().contains(name) ? indicator(name) : null;
  }

  @Override
  public Stream<Entry> stream() {
    return runtime.groupNames().stream().sorted().map(name -> new Entry(name, indicator(name)));
  }

  private HealthIndicator indicator(String name) {
    return () -> health(name);
  }

  /** The health of group {@code name} on this node. */
  public Health health(String name) {
    if (!runtime.isRunning()) {
      return Health.down().withDetail("reason", "the Raft runtime is not running").build();
    }
    RaftGroup group = runtime.group(name);
    Status st = group.status();
    long applied = group.appliedIndex();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("role", st.role().name());
    details.put("term", st.term());
    details.put("leaderId", st.leaderId());
    runtime.address(st.leaderId()).ifPresent(a -> details.put("leaderAddress", a.toString()));
    details.put("commitIndex", st.commit());
    details.put("appliedIndex", applied);
    details.put("voters", st.confState().getVotersList());
    details.put("learners", st.confState().getLearnersList());
    Health.Builder health;
    if (st.leaderId() == 0) {
      health = Health.down().withDetail("reason", "no leader is known: no quorum reachable");
    } else if (st.commit() - applied > maxApplyLag) {
      health =
          Health.outOfService()
              .withDetail(
                  "reason",
                  "catching up: " + (st.commit() - applied) + " committed entries not applied");
    } else {
      health = Health.up();
    }
    return health.withDetails(details).build();
  }

  /** Whether every group has a leader and this node is caught up in each. */
  public boolean allCaughtUp() {
    return runtime.isRunning()
        && runtime.groupNames().stream()
            .allMatch(g -> "UP".equals(health(g).getStatus().getCode()));
  }
}
