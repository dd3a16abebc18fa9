package dev.raftboot.transport;

import java.util.Map;

/**
 * A point-in-time copy of a transport's counters (all monotonic except the two queue gauges).
 *
 * @param messagesSent messages written to peer streams
 * @param bytesSent serialized bytes of the batches written
 * @param batchesSent batches written (one write each)
 * @param messagesReceived messages handed to group handlers
 * @param bytesReceived serialized bytes of the batches received
 * @param messagesDropped messages dropped before sending: queue full, peer unknown or down
 * @param sendErrors peer streams that failed (connect errors, broken streams)
 * @param snapshotsSent snapshots the receiver acknowledged
 * @param snapshotsFailed snapshots that failed on the sending side
 * @param snapshotsReceived snapshots received whole and handed to a group
 * @param snapshotBytesSent image bytes streamed out
 * @param snapshotBytesReceived image bytes streamed in
 * @param queuedMessages messages waiting in all peer queues now
 * @param queuedBytes bytes waiting in all peer queues now
 * @param rejected refused inbound streams, batches and snapshots, by reason
 */
public record TransportStats(
    long messagesSent,
    long bytesSent,
    long batchesSent,
    long messagesReceived,
    long bytesReceived,
    long messagesDropped,
    long sendErrors,
    long snapshotsSent,
    long snapshotsFailed,
    long snapshotsReceived,
    long snapshotBytesSent,
    long snapshotBytesReceived,
    long queuedMessages,
    long queuedBytes,
    Map<RejectReason, Long> rejected) {

  public TransportStats {
    rejected = Map.copyOf(rejected);
  }

  /** Rejections for one reason (0 when none). */
  public long rejected(RejectReason reason) {
    return rejected.getOrDefault(reason, 0L);
  }
}
