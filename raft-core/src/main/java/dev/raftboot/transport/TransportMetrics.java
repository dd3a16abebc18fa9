package dev.raftboot.transport;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link Transport}'s counters through Micrometer: bytes and messages by direction,
 * errors and rejections by reason, queue sizes, and bytes and errors per peer (tag {@code peer}).
 * Needs micrometer-core on the classpath (an optional dependency of raft-core).
 *
 * <p>Per-peer meters are registered when the transport first reports traffic with a peer, checked
 * whenever the registry reads the transport-wide meters (so they appear from the next scrape on).
 */
public final class TransportMetrics implements MeterBinder {
  private final Transport transport;
  private final Set<Long> peersBound = ConcurrentHashMap.newKeySet();
  private volatile MeterRegistry registry;

  public TransportMetrics(Transport transport) {
    this.transport = transport;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    counter(registry, "raft.transport.bytes", "out", s -> s.bytesSent(), "bytes of messages sent");
    counter(registry, "raft.transport.bytes", "in", s -> s.bytesReceived(), "bytes received");
    counter(registry, "raft.transport.messages", "out", s -> s.messagesSent(), "messages sent");
    counter(
        registry, "raft.transport.messages", "in", s -> s.messagesReceived(), "messages received");
    counter(
        registry,
        "raft.transport.snapshot.bytes",
        "out",
        s -> s.snapshotBytesSent(),
        "snapshot image bytes streamed out");
    counter(
        registry,
        "raft.transport.snapshot.bytes",
        "in",
        s -> s.snapshotBytesReceived(),
        "snapshot image bytes streamed in");
    error(registry, "send_failed", s -> s.sendErrors(), "peer streams that failed");
    error(registry, "dropped", s -> s.messagesDropped(), "messages dropped before sending");
    error(registry, "snapshot_failed", s -> s.snapshotsFailed(), "snapshots that failed to send");
    for (RejectReason reason : RejectReason.values()) {
      FunctionCounter.builder("raft.transport.rejected", this, m -> m.stats().rejected(reason))
          .tags("reason", reason.name().toLowerCase())
          .description("inbound streams, batches and snapshots refused, by reason")
          .register(registry);
    }
    Gauge.builder("raft.transport.queued.messages", this, m -> m.stats().queuedMessages())
        .description("messages waiting in the peer queues")
        .register(registry);
    Gauge.builder("raft.transport.queued.bytes", this, m -> m.stats().queuedBytes())
        .description("bytes waiting in the peer queues")
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String direction,
      ToDoubleFunction<TransportStats> value,
      String description) {
    FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats()))
        .tags("direction", direction)
        .description(description)
        .register(registry);
  }

  private void error(
      MeterRegistry registry,
      String reason,
      ToDoubleFunction<TransportStats> value,
      String description) {
    FunctionCounter.builder("raft.transport.errors", this, m -> value.applyAsDouble(m.stats()))
        .tags("reason", reason)
        .description(description)
        .register(registry);
  }

  /** The transport's counters; registers the meters of peers seen for the first time. */
  private TransportStats stats() {
    bindNewPeers();
    return transport.stats();
  }

  /** Registers per-peer meters for peers that had traffic since the last check. */
  public void bindNewPeers() {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    for (long peer : transport.peerTraffic().keySet()) {
      if (peersBound.add(peer)) {
        Tags tags = Tags.of("peer", Long.toString(peer));
        peerCounter(r, "raft.transport.peer.bytes", tags.and("direction", "out"), peer, 0);
        peerCounter(r, "raft.transport.peer.bytes", tags.and("direction", "in"), peer, 1);
        peerCounter(r, "raft.transport.peer.errors", tags.and("reason", "send_failed"), peer, 2);
        peerCounter(r, "raft.transport.peer.errors", tags.and("reason", "dropped"), peer, 3);
      }
    }
  }

  private void peerCounter(MeterRegistry r, String name, Tags tags, long peer, int which) {
    FunctionCounter.builder(
            name,
            transport,
            t -> {
              PeerTraffic p = t.peerTraffic().get(peer);
              if (p == null) {
                return 0;
              }
              return switch (which) {
                case 0 -> p.bytesSent();
                case 1 -> p.bytesReceived();
                case 2 -> p.sendErrors();
                default -> p.messagesDropped();
              };
            })
        .tags(tags)
        .description(
            name.endsWith("bytes")
                ? "bytes of message batches exchanged with one peer"
                : "failed streams and dropped messages towards one peer")
        .register(r);
  }
}
