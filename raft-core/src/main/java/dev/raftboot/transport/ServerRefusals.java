package dev.raftboot.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs what the transport's gRPC server refuses before the peer service sees it:
 * connections that never become gRPC connections ({@link RejectReason#HANDSHAKE_FAILED}: gRPC
 * closes them on a bad HTTP/2 preface or a failed TLS handshake, and tells only its transport
 * filters, without the cause), and streams reset because a message was over the size limit ({@link
 * RejectReason#OVERSIZED}, seen by a stream tracer). Installed on the transport's own server only:
 * an application's gRPC server keeps its own policies.
 */
final class ServerRefusals {
  private static final Logger log = LoggerFactory.getLogger(ServerRefusals.class);
  private static final Attributes.Key<Boolean> SPOKE_GRPC =
      Attributes.Key.create("raft-connection-spoke-grpc");

  private final long localId;
  private final TransportCounters counters;
  private final ThrottledWarnings handshakeWarnings =
      new ThrottledWarnings(log, 10, TimeUnit.SECONDS);
  private final ThrottledWarnings oversizeWarnings =
      new ThrottledWarnings(log, 10, TimeUnit.SECONDS);
  private final ThrottledWarnings malformedWarnings =
      new ThrottledWarnings(log, 10, TimeUnit.SECONDS);

  ServerRefusals(long localId, TransportCounters counters) {
    this.localId = localId;
    this.counters = counters;
  }

  /** Marks connections that completed the HTTP/2 handshake; counts those that closed before. */
  ServerTransportFilter connectionFilter() {
    return new ServerTransportFilter() {
      @Override
      public Attributes transportReady(Attributes attributes) {
        return attributes.toBuilder().set(SPOKE_GRPC, true).build();
      }

      @Override
      public void transportTerminated(Attributes attributes) {
        // gRPC passes no attributes (or the pre-handshake ones) for a connection never ready.
        if (attributes == null || attributes.get(SPOKE_GRPC) == null) {
          counters.reject(RejectReason.HANDSHAKE_FAILED);
          handshakeWarnings.log(
              "node {}: closed a connection that never spoke gRPC (not HTTP/2, a failed TLS"
                  + " handshake, or a bare TCP probe); {} so far",
              localId,
              counters.rejected(RejectReason.HANDSHAKE_FAILED));
        }
      }
    };
  }

  /**
   * Whether gRPC closed the stream because a message did not parse: its protobuf marshaller fails
   * the call (the parse error in the status's causes) before the peer service sees the message.
   */
  private static boolean isUnparsable(Status status) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof InvalidProtocolBufferException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Counts streams that gRPC closed because a message did not parse ({@link
   * RejectReason#MALFORMED}) or exceeded the inbound size limit ({@link RejectReason#OVERSIZED}).
   */
  ServerStreamTracer.Factory oversizeTracer() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String method, Metadata headers) {
        String node = headers.get(StreamHeaders.NODE_ID);
        return new ServerStreamTracer() {
          private volatile Object remote;

          @Override
          public void serverCallStarted(ServerCallInfo<?, ?> call) {
            remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
          }

          @Override
          public void streamClosed(Status status) {
            if (isUnparsable(status)) {
              counters.reject(RejectReason.MALFORMED);
              malformedWarnings.log(
                  "node {}: closed a {} stream of node {} at {}: a message is not a valid"
                      + " protobuf ({})",
                  localId,
                  method,
                  node,
                  remote,
                  status.getDescription());
            } else if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              counters.reject(RejectReason.OVERSIZED);
              oversizeWarnings.log(
                  "node {}: reset a {} stream of node {} at {}: {}",
                  localId,
                  method,
                  node,
                  remote,
                  status.getDescription());
            }
          }
        };
      }
    };
  }
}
