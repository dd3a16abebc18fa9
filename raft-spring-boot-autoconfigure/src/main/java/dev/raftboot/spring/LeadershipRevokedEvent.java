package dev.raftboot.spring;

/**
 * This node no longer leads {@code group} (it stepped down from {@code term}). Leader-only work
 * must stop; tokens of this leadership are no longer current.
 */
public record LeadershipRevokedEvent(String group, long term) {}
