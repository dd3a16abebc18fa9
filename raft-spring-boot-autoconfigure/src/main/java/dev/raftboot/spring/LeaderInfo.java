package dev.raftboot.spring;

import dev.raftboot.transport.PeerAddress;

/**
 * The leader of a group as this node knows it.
 *
 * @param id the leader's node id
 * @param address where its peer traffic is served, or null if this node does not know it
 */
public record LeaderInfo(long id, PeerAddress address) {}
