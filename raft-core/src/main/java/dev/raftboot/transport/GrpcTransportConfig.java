package dev.raftboot.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link GrpcTransport}. Build with {@link #builder()}; {@link Builder#build()}
 * checks every value and names the field that is wrong.
 */
public final class GrpcTransportConfig {
  private final long nodeId;
  private final String clusterId;
  private final String bindHost;
  private final int port;
  private final TlsConfig tls;
  private final int maxInboundMessageBytes;
  private final QueueLimits queueLimits;
  private final long maxBatchBytes;
  private final int maxBatchMessages;
  private final int snapshotChunkBytes;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration keepAliveTime;
  private final int ioThreads;
  private final SnapshotSink snapshotSink;
  private final boolean externalServer;
  private final LinkFaults faults;

  private GrpcTransportConfig(Builder b) {
    this.nodeId = b.nodeId;
    this.clusterId = b.clusterId;
    this.bindHost = b.bindHost;
    this.port = b.port;
    this.tls = b.tls;
    this.maxInboundMessageBytes = b.maxInboundMessageBytes;
    this.queueLimits = b.queueLimits;
    this.maxBatchBytes = b.maxBatchBytes;
    this.maxBatchMessages = b.maxBatchMessages;
    this.snapshotChunkBytes = b.snapshotChunkBytes;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.keepAliveTime = b.keepAliveTime;
    this.ioThreads = b.ioThreads;
    this.snapshotSink = b.snapshotSink;
    this.externalServer = b.externalServer;
    this.faults = b.faults;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This node's id. */
  public long nodeId() {
    return nodeId;
  }

  /** Sent on every stream; the server refuses streams with any other value. */
  public String clusterId() {
    return clusterId;
  }

  /** Interface the server binds to (default {@code 0.0.0.0}: all). */
  public String bindHost() {
    return bindHost;
  }

  /** Server port; 0 picks a free one, reported by {@link GrpcTransport#port()}. */
  public int port() {
    return port;
  }

  /** TLS settings, or null for plaintext. */
  public TlsConfig tls() {
    return tls;
  }

  /** Largest gRPC message (one batch or one snapshot chunk) accepted (default 16 MiB). */
  public int maxInboundMessageBytes() {
    return maxInboundMessageBytes;
  }

  public QueueLimits queueLimits() {
    return queueLimits;
  }

  /** Bytes of messages gathered into one batch (one write) at most (default 1 MiB). */
  public long maxBatchBytes() {
    return maxBatchBytes;
  }

  /** Messages gathered into one batch at most (default 1024). */
  public int maxBatchMessages() {
    return maxBatchMessages;
  }

  /** Bytes of snapshot image per chunk (default 256 KiB). */
  public int snapshotChunkBytes() {
    return snapshotChunkBytes;
  }

  /**
   * First reconnect delay after a peer stream fails (default 100 ms); doubles per failure, and ends
   * early when the peer opens a stream to this node.
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** Cap of the reconnect delay (default 5 s). */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** HTTP/2 keepalive ping interval that detects silently dead peers (default 30 s). */
  public Duration keepAliveTime() {
    return keepAliveTime;
  }

  /**
   * Netty event loop threads of the transport's own, shared by its server and every channel to a
   * peer (default 1); 0 uses gRPC's shared default loops instead (two threads per core, over which
   * a node's connections spread). With an {@link #externalServer} only the outbound channels use
   * them.
   */
  public int ioThreads() {
    return ioThreads;
  }

  /** Where received snapshot images go (default: files in a fresh temporary directory). */
  public SnapshotSink snapshotSink() {
    return snapshotSink;
  }

  /**
   * Whether inbound peer traffic is served by a gRPC server the application runs (which then hosts
   * {@link GrpcTransport#peerService()}) instead of a server of the transport's own.
   */
  public boolean externalServer() {
    return externalServer;
  }

  /** Fault rules applied to this node's links (tests only), or null: no fault injection. */
  public LinkFaults faults() {
    return faults;
  }

  /** Builder of {@link GrpcTransportConfig}. */
  public static final class Builder {
    private long nodeId;
    private String clusterId;
    private String bindHost = "0.0.0.0";
    private int port;
    private TlsConfig tls;
    private int maxInboundMessageBytes = 16 << 20;
    private QueueLimits queueLimits = QueueLimits.DEFAULT;
    private long maxBatchBytes = 1 << 20;
    private int maxBatchMessages = 1024;
    private int snapshotChunkBytes = 256 << 10;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration keepAliveTime = Duration.ofSeconds(30);
    private int ioThreads = 1;
    private SnapshotSink snapshotSink;
    private boolean externalServer;
    private LinkFaults faults;

    private Builder() {}

    public Builder nodeId(long nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    public Builder bindHost(String bindHost) {
      this.bindHost = bindHost;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    public Builder maxInboundMessageBytes(int maxInboundMessageBytes) {
      this.maxInboundMessageBytes = maxInboundMessageBytes;
      return this;
    }

    public Builder queueLimits(QueueLimits queueLimits) {
      this.queueLimits = queueLimits;
      return this;
    }

    public Builder maxBatchBytes(long maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
      return this;
    }

    public Builder maxBatchMessages(int maxBatchMessages) {
      this.maxBatchMessages = maxBatchMessages;
      return this;
    }

    public Builder snapshotChunkBytes(int snapshotChunkBytes) {
      this.snapshotChunkBytes = snapshotChunkBytes;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder keepAliveTime(Duration keepAliveTime) {
      this.keepAliveTime = keepAliveTime;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    public Builder snapshotSink(SnapshotSink snapshotSink) {
      this.snapshotSink = snapshotSink;
      return this;
    }

    /**
     * Serve inbound traffic on the application's own gRPC server: {@link GrpcTransport#start()}
     * then opens no port, and the application adds {@link GrpcTransport#peerService()} to its
     * server. {@code bindHost} and {@code port} are ignored.
     */
    public Builder externalServer(boolean externalServer) {
      this.externalServer = externalServer;
      return this;
    }

    /**
     * Fault injection for tests: the transport drops, delays or refuses traffic over the links that
     * {@code faults} says are down or lossy, on the real send and receive paths. Share one {@link
     * LinkFaults} among every node of a test cluster. Null (the default) turns it off.
     */
    public Builder faults(LinkFaults faults) {
      this.faults = faults;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid field
     */
    public GrpcTransportConfig build() {
      check(nodeId > 0, "nodeId must be positive");
      check(clusterId != null && !clusterId.isBlank(), "clusterId must not be blank");
      check(bindHost != null && !bindHost.isBlank(), "bindHost must not be blank");
      check(port >= 0 && port <= 65535, "port out of range");
      check(maxInboundMessageBytes >= 1024, "maxInboundMessageBytes must be at least 1024");
      Objects.requireNonNull(queueLimits, "queueLimits");
      check(maxBatchBytes > 0, "maxBatchBytes must be positive");
      check(maxBatchMessages > 0, "maxBatchMessages must be positive");
      // A chunk plus its framing must fit in the peer's inbound limit.
      check(
          snapshotChunkBytes > 0 && snapshotChunkBytes <= maxInboundMessageBytes - 512,
          "snapshotChunkBytes must be positive and below maxInboundMessageBytes");
      check(
          initialBackoff != null && !initialBackoff.isNegative() && !initialBackoff.isZero(),
          "initialBackoff must be positive");
      check(
          maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0,
          "maxBackoff must be at least initialBackoff");
      check(
          keepAliveTime != null && !keepAliveTime.isNegative() && !keepAliveTime.isZero(),
          "keepAliveTime must be positive");
      check(ioThreads >= 0, "ioThreads must not be negative");
      if (snapshotSink == null) {
        snapshotSink = TempDirSnapshotSink.inSystemTemp();
      }
      return new GrpcTransportConfig(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
