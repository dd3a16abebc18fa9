package dev.raftboot.transport;

import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.JoinRequest;
import dev.raftboot.proto.JoinResponse;

/**
 * What the transport tells the node runtime about delivery, to feed back into the Raft node ({@code
 * RawNode.reportUnreachable} / {@code reportSnapshot}). Called on transport threads; must not
 * block.
 */
public interface TransportListener {

  /** Does nothing: for transports whose owner ignores delivery feedback. */
  TransportListener NONE = new TransportListener() {};

  /**
   * Messages of {@code group} to {@code peerId} were or may have been lost: the send failed, the
   * stream broke, the peer is unknown or down, or its queue overflowed.
   */
  default void unreachable(String group, long peerId) {}

  /** How streaming a snapshot of {@code group} to {@code peerId} ended. */
  default void snapshotStatus(String group, long peerId, SnapshotStatus status) {}

  /**
   * A leader asks this node to join {@code request.getGroup()} (the transport has already checked
   * the cluster id and that {@code request.getNodeId()} is this node). Return a refusal to stop the
   * membership change; the default accepts.
   */
  default JoinResponse joinRequested(JoinRequest request) {
    return JoinResponse.newBuilder().setNodeId(request.getNodeId()).setAccepted(true).build();
  }
}
