package dev.raftboot.transport;

import dev.raftboot.proto.JoinRequest;
import dev.raftboot.proto.JoinResponse;
import dev.raftboot.proto.MessageBatch;
import dev.raftboot.proto.RaftPeerGrpc;
import dev.raftboot.proto.SendAck;
import dev.raftboot.proto.SnapshotAck;
import dev.raftboot.proto.SnapshotChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the peer protocol. Batches are delivered to their group's handler on the
 * stream's thread, one at a time; gRPC asks the sender for the next batch only after the handler
 * returns, so a slow receiver pushes back on the sender through HTTP/2 flow control.
 */
final class PeerService extends RaftPeerGrpc.RaftPeerImplBase {
  private static final Logger log = LoggerFactory.getLogger(PeerService.class);

  private final GrpcTransportConfig config;
  private final GroupRegistry groups;
  private final TransportCounters counters;
  private final TransportListener listener;
  private final LongConsumer inboundFrom;

  /** The response side of every open inbound message stream, so a shutdown can end them. */
  private final Set<StreamObserver<SendAck>> open = ConcurrentHashMap.newKeySet();

  private volatile boolean refusing;

  PeerService(
      GrpcTransportConfig config,
      GroupRegistry groups,
      TransportCounters counters,
      TransportListener listener,
      LongConsumer inboundFrom) {
    this.config = config;
    this.groups = groups;
    this.counters = counters;
    this.listener = listener;
    this.inboundFrom = inboundFrom;
  }

  /**
   * The join check (the cluster id header was checked by the interceptor): refuses another node's
   * id here, then lets the runtime decide about the group.
   */
  @Override
  public void join(JoinRequest request, StreamObserver<JoinResponse> responses) {
    String peer = StreamHeaders.describePeer();
    JoinResponse response;
    if (!config.clusterId().equals(request.getClusterId())) {
      response = refusal("CLUSTER_ID_MISMATCH", "cluster id '" + request.getClusterId() + "'");
    } else if (request.getNodeId() != config.nodeId()) {
      response =
          refusal(
              "NODE_ID_MISMATCH",
              "asked to join as node " + request.getNodeId() + ", this is " + config.nodeId());
    } else {
      try {
        response = listener.joinRequested(request);
      } catch (RuntimeException e) {
        log.warn("node {}: join check of {} failed", config.nodeId(), peer, e);
        response = refusal("UNKNOWN_GROUP", "join check failed: " + e);
      }
    }
    if (!response.getAccepted()) {
      counters.reject(RejectReason.JOIN_REFUSED);
      log.warn(
          "node {}: refused to join group '{}' as asked by {}: {} ({})",
          config.nodeId(),
          request.getGroup(),
          peer,
          response.getReason(),
          response.getDetail());
    }
    responses.onNext(response);
    responses.onCompleted();
  }

  private JoinResponse refusal(String reason, String detail) {
    return JoinResponse.newBuilder()
        .setNodeId(config.nodeId())
        .setAccepted(false)
        .setReason(reason)
        .setDetail(detail)
        .build();
  }

  /**
   * Ends every inbound message stream and refuses new ones, so a server shutting down does not wait
   * for peers to close streams they would keep open forever.
   */
  void refuseInbound() {
    refusing = true;
    for (StreamObserver<SendAck> responses : List.copyOf(open)) {
      if (open.remove(responses)) {
        try {
          responses.onError(shuttingDown());
        } catch (RuntimeException e) {
          log.debug("node {}: ending an inbound stream: {}", config.nodeId(), e.toString());
        }
      }
    }
  }

  private StatusRuntimeException shuttingDown() {
    return Status.UNAVAILABLE
        .withDescription("node " + config.nodeId() + " is shutting down")
        .asRuntimeException();
  }

  @Override
  public StreamObserver<MessageBatch> send(StreamObserver<SendAck> responses) {
    String peer = StreamHeaders.describePeer();
    long from = StreamHeaders.PEER_NODE_ID.get();
    open.add(responses);
    if (refusing && open.remove(responses)) {
      responses.onError(shuttingDown());
    } else {
      inboundFrom.accept(from);
    }
    return new StreamObserver<>() {
      private boolean closed;

      @Override
      public void onNext(MessageBatch batch) {
        if (closed) {
          return;
        }
        // The header was checked when the stream opened; a batch that names another cluster is
        // a broken or hostile sender, so the whole stream goes.
        if (!config.clusterId().equals(batch.getClusterId())) {
          closed = true;
          open.remove(responses);
          counters.reject(RejectReason.CLUSTER_ID_MISMATCH);
          log.warn(
              "node {}: closed the stream of {}: batch for cluster '{}'",
              config.nodeId(),
              peer,
              batch.getClusterId());
          responses.onError(
              Status.PERMISSION_DENIED
                  .withDescription("cluster id mismatch in batch: '" + batch.getClusterId() + "'")
                  .asRuntimeException());
          return;
        }
        LinkFaults faults = config.faults();
        if (faults != null && !faults.linkUp(from, config.nodeId())) {
          // Test fault injection: the link went down while this batch was on its way.
          log.debug("node {}: link from {} is down, dropped a batch", config.nodeId(), peer);
          return;
        }
        groups.deliver(batch.getGroup(), batch.getMessagesList(), batch.getSerializedSize(), peer);
      }

      @Override
      public void onError(Throwable t) {
        open.remove(responses);
        log.debug(
            "node {}: stream of {} ended: {}", config.nodeId(), peer, Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        if (!closed && open.remove(responses)) {
          responses.onNext(SendAck.getDefaultInstance());
          responses.onCompleted();
        }
      }
    };
  }

  @Override
  public StreamObserver<SnapshotChunk> sendSnapshot(StreamObserver<SnapshotAck> responses) {
    return new SnapshotReceiver(
        config.nodeId(),
        config.clusterId(),
        StreamHeaders.PEER_NODE_ID.get(),
        StreamHeaders.describePeer(),
        config.faults(),
        config.snapshotSink(),
        groups,
        counters,
        responses);
  }
}
