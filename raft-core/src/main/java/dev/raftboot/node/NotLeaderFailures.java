package dev.raftboot.node;

import dev.raftboot.core.ProposalDroppedException;
import java.util.function.Supplier;

/**
 * Builds a group's {@link NotLeaderException}s with the leader's address filled in from the
 * server's member registry, so every path that refuses an operation (proposals, reads, membership
 * changes) tells the client where the leader is.
 */
final class NotLeaderFailures {
  private final String group;
  private final Supplier<MemberRegistry> registry;

  NotLeaderFailures(String group, Supplier<MemberRegistry> registry) {
    this.group = group;
    this.registry = registry;
  }

  /**
   * What the caller should see for a refusal of the consensus module: the refusal itself when this
   * node ({@code selfId}) leads and still refused (the uncommitted log over its size limit: back
   * off, do not go elsewhere), otherwise a {@link NotLeaderException} naming the leader to go to.
   */
  RuntimeException refused(ProposalDroppedException e, long selfId) {
    return e.leaderId() == selfId ? e : of(e.leaderId(), e.getMessage());
  }

  NotLeaderException of(long leaderId, String reason) {
    return new NotLeaderException(
        group,
        leaderId,
        leaderId == 0 ? null : registry.get().addressOf(leaderId).orElse(null),
        reason);
  }
}
