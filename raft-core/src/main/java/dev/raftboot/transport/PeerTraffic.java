package dev.raftboot.transport;

/**
 * A point-in-time copy of the traffic with one peer (monotonic counters).
 *
 * @param bytesSent serialized bytes of the message batches written to the peer
 * @param bytesReceived serialized bytes of the message batches received from the peer
 * @param sendErrors streams to the peer that failed (connect errors, broken streams)
 * @param messagesDropped messages to the peer dropped before sending (queue full, peer down)
 */
public record PeerTraffic(
    long bytesSent, long bytesReceived, long sendErrors, long messagesDropped) {}
