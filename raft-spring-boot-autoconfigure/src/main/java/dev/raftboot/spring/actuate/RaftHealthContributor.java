package dev.raftboot.spring.actuate;

import dev.raftboot.core.Status;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.transport.PeerAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code raft} health contributor: one indicator per group. A group is UP when a leader is
 * known and this node has applied to within {@code maxApplyLag} entries of the commit index; DOWN
 * when no leader is known (the group has no quorum, or this node is cut off from it), or when the
 * group stopped because its log write failed; OUT_OF_SERVICE while this node catches up.
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
    return health(runtime.group(name), runtime::address, maxApplyLag);
  }

  /**
   * The health of {@code group}, naming its leader's address as {@code addresses} knows it; caught
   * up when at most {@code maxApplyLag} committed entries are not applied.
   */
  static Health health(
      RaftGroup group, LongFunction<Optional<PeerAddress>> addresses, long maxApplyLag) {
    Status st = group.status();
    long applied = group.appliedIndex();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("role", st.role().name());
    details.put("term", st.term());
    details.put("leaderId", st.leaderId());
    addresses.apply(st.leaderId()).ifPresent(a -> details.put("leaderAddress", a.toString()));
    details.put("commitIndex", st.commit());
    details.put("appliedIndex", applied);
    details.put("voters", st.confState().getVotersList());
    details.put("learners", st.confState().getLearnersList());
    Health.Builder health;
    Optional<RuntimeException> failure = group.failure();
    if (failure.isPresent()) {
      health =
          Health.down()
              .withDetail(
                  "reason",
                  "stopped: its log write failed ("
                      + failure.get()
                      + "); restart the node once the disk is fixed");
    } else if (st.leaderId() == 0) {
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
