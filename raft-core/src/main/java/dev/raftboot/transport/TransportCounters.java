package dev.raftboot.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportStats}; cheap to bump from many threads. */
final class TransportCounters {
  final LongAdder messagesSent = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder batchesSent = new LongAdder();
  final LongAdder messagesReceived = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder messagesDropped = new LongAdder();
  final LongAdder sendErrors = new LongAdder();
  final LongAdder snapshotsSent = new LongAdder();
  final LongAdder snapshotsFailed = new LongAdder();
  final LongAdder snapshotsReceived = new LongAdder();
  final LongAdder snapshotBytesSent = new LongAdder();
  final LongAdder snapshotBytesReceived = new LongAdder();
  private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
  private final Map<Long, PeerCounters> peers = new ConcurrentHashMap<>();

  /** The counters of the traffic with one peer. */
  static final class PeerCounters {
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder sendErrors = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();

    PeerTraffic snapshot() {
      return new PeerTraffic(
          bytesSent.sum(), bytesReceived.sum(), sendErrors.sum(), messagesDropped.sum());
    }
  }

  PeerCounters peer(long id) {
    return peers.computeIfAbsent(id, k -> new PeerCounters());
  }

  Map<Long, PeerTraffic> peerTraffic() {
    Map<Long, PeerTraffic> out = new TreeMap<>();
    peers.forEach((id, c) -> out.put(id, c.snapshot()));
    return out;
  }

  TransportCounters() {
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, new LongAdder());
    }
  }

  void reject(RejectReason reason) {
    rejected.get(reason).increment();
  }

  long rejected(RejectReason reason) {
    return rejected.get(reason).sum();
  }

  TransportStats snapshot(long queuedMessages, long queuedBytes) {
    Map<RejectReason, Long> rejections = new EnumMap<>(RejectReason.class);
    rejected.forEach((reason, count) -> rejections.put(reason, count.sum()));
    return new TransportStats(
        messagesSent.sum(),
        bytesSent.sum(),
        batchesSent.sum(),
        messagesReceived.sum(),
        bytesReceived.sum(),
        messagesDropped.sum(),
        sendErrors.sum(),
        snapshotsSent.sum(),
        snapshotsFailed.sum(),
        snapshotsReceived.sum(),
        snapshotBytesSent.sum(),
        snapshotBytesReceived.sum(),
        queuedMessages,
        queuedBytes,
        rejections);
  }
}
