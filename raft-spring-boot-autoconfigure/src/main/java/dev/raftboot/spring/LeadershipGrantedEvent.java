package dev.raftboot.spring;

import dev.raftboot.node.FencingToken;

/**
 * This node became the leader of {@code group} in {@code term} and has committed an entry of that
 * term, so its view of the log is complete. Leader-only work may start, passing {@code token} to
 * downstream systems so they can reject a deposed leader. Published on a runtime thread, in order
 * with {@link LeadershipRevokedEvent}s of the same group.
 */
public record LeadershipGrantedEvent(String group, long term, FencingToken token) {}
