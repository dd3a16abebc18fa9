package dev.raftboot.node;

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

  NotLeaderException of(long leaderId, String reason) {
    return new NotLeaderException(
        group,
        leaderId,
        leaderId == 0 ? null : registry.get().addressOf(leaderId).orElse(null),
        reason);
  }
}
