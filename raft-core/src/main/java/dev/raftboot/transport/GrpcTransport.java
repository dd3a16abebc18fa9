package dev.raftboot.transport;

import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.JoinRequest;
import dev.raftboot.proto.JoinResponse;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.RaftPeerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network {@link Transport}: a gRPC server for inbound traffic and one long-lived client stream
 * per peer for outbound traffic (see {@code docs/transport.md} for the protocol).
 *
 * <p>Beyond the {@link Transport} guarantees: every stream carries the cluster id and is refused by
 * a server of another cluster; inbound gRPC messages are limited to {@link
 * GrpcTransportConfig#maxInboundMessageBytes()}; malformed input closes only the offending stream;
 * a failed peer stream is retried with capped exponential backoff; TLS and mutual TLS come from
 * {@link TlsConfig}, plaintext when it is absent.
 */
public final class GrpcTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(GrpcTransport.class);

  /** How long a join check waits for the joining node's answer. */
  public static final long JOIN_CHECK_DEADLINE_MS = 5_000;

  private final GrpcTransportConfig config;
  private final TransportListener listener;
  private final LinkFaults faults;
  private final TransportCounters counters = new TransportCounters();
  private final ServerRefusals refusals;
  private final ThrottledWarnings untrustedWarnings =
      new ThrottledWarnings(log, 10, TimeUnit.SECONDS);
  private final GroupRegistry groups;
  private final PeerService peerService;
  private final Map<Long, GrpcPeer> peers = new ConcurrentHashMap<>();
  private final ExecutorService serverExecutor;
  private final ExecutorService clientExecutor;
  private final ScheduledExecutorService scheduler;
  private final IoThreads io;
  private volatile Server server;
  private boolean started;
  private volatile boolean closed;

  public GrpcTransport(GrpcTransportConfig config, TransportListener listener) {
    this.config = config;
    this.listener = listener;
    this.faults = config.faults();
    this.groups = new GroupRegistry(config.nodeId(), counters);
    this.refusals = new ServerRefusals(config.nodeId(), counters);
    this.peerService = new PeerService(config, groups, counters, listener, this::inboundFrom);
    String prefix = "raft-transport-" + config.nodeId();
    this.serverExecutor = Executors.newCachedThreadPool(daemon(prefix + "-in"));
    this.clientExecutor = Executors.newCachedThreadPool(daemon(prefix + "-out"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(prefix + "-timer"));
    this.io = config.ioThreads() > 0 ? new IoThreads(config.ioThreads(), prefix + "-io") : null;
  }

  @Override
  public long localId() {
    return config.nodeId();
  }

  @Override
  public synchronized void start() throws IOException {
    if (server != null || started || closed) {
      throw new IllegalStateException("transport already started or closed");
    }
    started = true;
    if (config.externalServer()) {
      log.info(
          "node {}: peer traffic served by the application's gRPC server ({})",
          config.nodeId(),
          config.tls() == null ? "plaintext" : "TLS on outbound streams");
      return;
    }
    long keepAliveNanos = config.keepAliveTime().toNanos();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(config.bindHost(), config.port()),
            TlsCredentials.server(config.tls(), this::untrustedClient));
    if (io != null) {
      builder = io.configure(builder);
    }
    server =
        builder
            .executor(serverExecutor)
            .callExecutor(GrpcTransport::callExecutor)
            .addTransportFilter(refusals.connectionFilter())
            .addStreamTracerFactory(refusals.oversizeTracer())
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            // Peers ping at keepAliveTime; allow that (and a margin) instead of GOAWAY-ing them.
            .permitKeepAliveTime(keepAliveNanos / 2, TimeUnit.NANOSECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(peerService())
            .build()
            .start();
    log.info(
        "node {}: peer transport listening on {}:{} ({})",
        config.nodeId(),
        config.bindHost(),
        port(),
        config.tls() == null ? "plaintext" : "TLS");
  }

  /**
   * Raft message batches are handled on the connection's event loop: the handler only decodes and
   * queues them for their group's loop, so another thread hop would only add a wake-up to every
   * message's path. Snapshot chunks (file writes) and joins (calls to other nodes) block, so they
   * stay on the server's executor.
   */
  private static Executor callExecutor(ServerCall<?, ?> call, Metadata headers) {
    return RaftPeerGrpc.getSendMethod()
            .getFullMethodName()
            .equals(call.getMethodDescriptor().getFullMethodName())
        ? Runnable::run
        : null;
  }

  private void untrustedClient(String description) {
    counters.reject(RejectReason.UNTRUSTED_CERTIFICATE);
    untrustedWarnings.log("node {}: refused a TLS client: {}", config.nodeId(), description);
  }

  /**
   * The peer service with its cluster-id check, for an application that serves peer traffic on its
   * own gRPC server (see {@link GrpcTransportConfig.Builder#externalServer}). Inbound messages are
   * then limited by that server's settings.
   */
  public ServerServiceDefinition peerService() {
    return ServerInterceptors.intercept(
        peerService, new ClusterIdInterceptor(config.clusterId(), config.nodeId(), counters));
  }

  /**
   * Ends every inbound message stream and refuses new ones; outbound traffic goes on. For a node
   * about to stop whose peer traffic is served by the application's gRPC server: that server's
   * graceful shutdown would otherwise wait for streams peers never close.
   */
  public void refuseInbound() {
    peerService.refuseInbound();
  }

  /** The port the server is bound to (the chosen one when configured with port 0). */
  public int port() {
    Server s = server;
    if (s == null) {
      throw new IllegalStateException(
          "transport not started, or serving on the application's gRPC server");
    }
    return s.getPort();
  }

  @Override
  public void addPeer(long peerId, PeerAddress address) {
    if (peerId == config.nodeId()) {
      throw new IllegalArgumentException("a node is not its own peer: " + peerId);
    }
    if (closed) {
      return;
    }
    GrpcPeer known = peers.get(peerId);
    if (known != null && known.address().equals(address)) {
      // Nothing moved: replacing the peer would drop its queue and cut its connection, perhaps
      // mid-handshake (which the peer's server then counts as a connection that never spoke gRPC).
      return;
    }
    GrpcPeer peer =
        new GrpcPeer(
            peerId,
            address,
            config,
            channel(address),
            counters,
            listener,
            clientExecutor,
            scheduler);
    GrpcPeer old = peers.put(peerId, peer);
    if (old != null) {
      old.close();
    }
    if (closed) {
      // close() ran since the check above and may have missed this peer: its channel must not
      // outlive the transport. (close() sets the flag before it removes the peers, so either it
      // sees this peer or this sees the flag.)
      peers.remove(peerId, peer);
      peer.close();
      return;
    }
    peer.connect();
  }

  /** A peer opened a stream to this node: it is up, so this node's stream to it need not wait. */
  private void inboundFrom(long peerId) {
    GrpcPeer peer = closed ? null : peers.get(peerId);
    if (peer != null) {
      peer.peerIsUp();
    }
  }

  private ManagedChannel channel(PeerAddress address) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(
            address.host(), address.port(), TlsCredentials.channel(config.tls()));
    if (io != null) {
      builder = io.configure(builder);
    }
    return builder
        .executor(clientExecutor)
        .maxInboundMessageSize(config.maxInboundMessageBytes())
        .keepAliveTime(config.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(true)
        .intercept(
            MetadataUtils.newAttachHeadersInterceptor(
                StreamHeaders.of(config.clusterId(), config.nodeId())))
        .build();
  }

  @Override
  public Map<Long, Duration> peerUptimes() {
    long now = System.nanoTime();
    Map<Long, Duration> uptimes = new HashMap<>();
    peers.forEach(
        (id, peer) -> {
          Duration up = peer.uptime(now);
          if (up != null) {
            uptimes.put(id, up);
          }
        });
    return uptimes;
  }

  @Override
  public void removePeer(long peerId) {
    GrpcPeer old = peers.remove(peerId);
    if (old != null) {
      old.close();
    }
  }

  @Override
  public void registerGroup(String group, InboundHandler handler) {
    groups.register(group, handler);
  }

  @Override
  public void unregisterGroup(String group) {
    groups.unregister(group);
  }

  @Override
  public void send(String group, List<Message> messages) {
    GroupRegistry.requireNoSnapshots(messages);
    // A Ready holds messages for several peers; split them keeping each peer's order.
    Map<Long, List<Message>> byPeer = new LinkedHashMap<>();
    for (Message m : messages) {
      if (m.getSerializedSize() > config.maxInboundMessageBytes() - 1024) {
        // Would be refused by the peer and take the whole stream down with it.
        counters.messagesDropped.increment();
        log.warn(
            "node {}: dropped a {}-byte {} to peer {}: over the message size limit",
            config.nodeId(),
            m.getSerializedSize(),
            m.getType(),
            m.getTo());
        listener.unreachable(group, m.getTo());
        continue;
      }
      byPeer.computeIfAbsent(m.getTo(), k -> new ArrayList<>()).add(m);
    }
    byPeer.forEach(
        (peerId, batch) -> {
          GrpcPeer peer = closed ? null : peers.get(peerId);
          if (peer == null) {
            counters.messagesDropped.add(batch.size());
            listener.unreachable(group, peerId);
          } else if (faults != null && faults.active()) {
            sendThroughFaults(group, peerId, peer, batch);
          } else {
            peer.send(group, batch);
          }
        });
  }

  /**
   * Applies the test fault rules to one peer's batch: a link that is down drops it and reports the
   * peer unreachable (as a broken stream would); a drop rate loses messages silently; a delay holds
   * the batch back on the timer. What passes goes through the real peer stream.
   */
  private void sendThroughFaults(String group, long peerId, GrpcPeer peer, List<Message> batch) {
    long local = config.nodeId();
    if (!faults.linkUp(local, peerId)) {
      counters.messagesDropped.add(batch.size());
      counters.peer(peerId).messagesDropped.add(batch.size());
      listener.unreachable(group, peerId);
      return;
    }
    List<Message> kept = new ArrayList<>(batch.size());
    for (Message m : batch) {
      if (!faults.dropNow(local, peerId)) {
        kept.add(m);
      }
    }
    Duration delay = faults.delay(local, peerId);
    if (kept.isEmpty()) {
      return;
    }
    if (delay.isZero()) {
      peer.send(group, kept);
      return;
    }
    try {
      scheduler.schedule(() -> peer.send(group, kept), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Closing: the held messages are lost, as queued ones are.
      counters.messagesDropped.add(kept.size());
    }
  }

  @Override
  public void sendSnapshot(String group, Message message, SnapshotSource source) {
    if (message.getType() != MessageType.MSG_SNAPSHOT) {
      throw new IllegalArgumentException("not a MSG_SNAPSHOT: " + message.getType());
    }
    GrpcPeer peer = closed ? null : peers.get(message.getTo());
    if (peer == null || (faults != null && !faults.linkUp(config.nodeId(), message.getTo()))) {
      counters.snapshotsFailed.increment();
      listener.snapshotStatus(group, message.getTo(), SnapshotStatus.FAILURE);
      return;
    }
    // The image travels as chunks; the message keeps only the metadata.
    Message header =
        message.toBuilder().setSnapshot(message.getSnapshot().toBuilder().clearData()).build();
    peer.sendSnapshot(group, header, source);
  }

  /**
   * The join check over a short-lived channel of its own (the node is usually not a peer yet), with
   * a deadline of {@link #JOIN_CHECK_DEADLINE_MS}.
   */
  @Override
  public CompletableFuture<JoinResponse> requestJoin(PeerAddress address, JoinRequest request) {
    CompletableFuture<JoinResponse> result = new CompletableFuture<>();
    JoinRequest stamped = request.toBuilder().setClusterId(config.clusterId()).build();
    ManagedChannel ch = channel(address);
    result.whenComplete((r, e) -> ch.shutdownNow());
    RaftPeerGrpc.newStub(ch)
        .withDeadlineAfter(JOIN_CHECK_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .join(
            stamped,
            new StreamObserver<>() {
              @Override
              public void onNext(JoinResponse response) {
                result.complete(response);
              }

              @Override
              public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                String reason =
                    status.getCode() == Status.Code.PERMISSION_DENIED
                        ? "CLUSTER_ID_MISMATCH"
                        : "UNREACHABLE";
                result.complete(
                    JoinResponse.newBuilder()
                        .setAccepted(false)
                        .setReason(reason)
                        .setDetail(status.getCode() + ": " + status.getDescription())
                        .build());
              }

              @Override
              public void onCompleted() {
                result.complete(
                    JoinResponse.newBuilder()
                        .setAccepted(false)
                        .setReason("UNREACHABLE")
                        .setDetail("no answer")
                        .build());
              }
            });
    return result;
  }

  @Override
  public Map<Long, PeerTraffic> peerTraffic() {
    return counters.peerTraffic();
  }

  @Override
  public TransportStats stats() {
    long queuedMessages = 0;
    long queuedBytes = 0;
    for (GrpcPeer peer : peers.values()) {
      queuedMessages += peer.queue().size();
      queuedBytes += peer.queue().bytes();
    }
    return counters.snapshot(queuedMessages, queuedBytes);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Long id : List.copyOf(peers.keySet())) {
      removePeer(id);
    }
    Server s = server;
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    scheduler.shutdownNow();
    if (io != null) {
      io.close();
    }
    clientExecutor.shutdown();
    serverExecutor.shutdown();
    log.info("node {}: peer transport closed", config.nodeId());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
