package dev.raftboot.transport;

import io.grpc.Context;
import io.grpc.Metadata;

/** The request headers every peer stream carries, and where the server keeps what they said. */
final class StreamHeaders {
  static final Metadata.Key<String> CLUSTER_ID =
      Metadata.Key.of("raft-cluster-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> NODE_ID =
      Metadata.Key.of("raft-node-id", Metadata.ASCII_STRING_MARSHALLER);

  /** The sending node's id (0 when the header was absent or not a number). */
  static final Context.Key<Long> PEER_NODE_ID = Context.keyWithDefault("raft-peer-node-id", 0L);

  /** The remote socket address, for log lines. */
  static final Context.Key<Object> PEER_ADDRESS = Context.key("raft-peer-address");

  private StreamHeaders() {}

  static Metadata of(String clusterId, long nodeId) {
    Metadata headers = new Metadata();
    headers.put(CLUSTER_ID, clusterId);
    headers.put(NODE_ID, Long.toString(nodeId));
    return headers;
  }

  /** "node 3 at /127.0.0.1:5555", for log lines about inbound traffic. */
  static String describePeer() {
    return "node " + PEER_NODE_ID.get() + " at " + PEER_ADDRESS.get();
  }
}
