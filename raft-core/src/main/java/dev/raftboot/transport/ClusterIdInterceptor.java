package dev.raftboot.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses every stream whose {@code raft-cluster-id} header is missing or names another cluster,
 * before a single message is read, so a stray node cannot inject traffic. Refusals close the stream
 * with PERMISSION_DENIED and a description saying why, and are logged and counted.
 */
final class ClusterIdInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ClusterIdInterceptor.class);

  private final String clusterId;
  private final long localId;
  private final TransportCounters counters;

  ClusterIdInterceptor(String clusterId, long localId, TransportCounters counters) {
    this.clusterId = clusterId;
    this.localId = localId;
    this.counters = counters;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Object remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String theirs = headers.get(StreamHeaders.CLUSTER_ID);
    if (!clusterId.equals(theirs)) {
      counters.reject(RejectReason.CLUSTER_ID_MISMATCH);
      log.warn(
          "node {}: refused a stream from {}: cluster id '{}' is not '{}'",
          localId,
          remote,
          theirs,
          clusterId);
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              "cluster id mismatch: this node belongs to cluster '"
                  + clusterId
                  + "', the stream says '"
                  + theirs
                  + "'"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    long peer = parseNodeId(headers.get(StreamHeaders.NODE_ID));
    Context context =
        Context.current()
            .withValue(StreamHeaders.PEER_NODE_ID, peer)
            .withValue(StreamHeaders.PEER_ADDRESS, remote);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static long parseNodeId(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Long.parseLong(header);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
