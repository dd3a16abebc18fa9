package dev.raftboot.core;

import dev.raftboot.proto.ConfState;
import java.util.Map;

/**
 * A point-in-time view of a node, for monitoring and tests.
 *
 * @param progress the leader's replication progress per peer (itself included); empty unless this
 *     node leads
 * @param lastIndex the index of the last entry in this node's log
 * @param leadTransferee the target of a leadership transfer in progress, or 0
 */
public record Status(
    long id,
    long term,
    long vote,
    long commit,
    long applied,
    StateRole role,
    long leaderId,
    Map<Long, Progress> progress,
    ConfState confState,
    long lastIndex,
    long leadTransferee) {}
