package dev.raftboot.transport;

/** Why inbound traffic was refused; each reason has its own counter in {@link TransportStats}. */
public enum RejectReason {
  /** A stream without a cluster id, or with another cluster's id: the whole stream is closed. */
  CLUSTER_ID_MISMATCH,
  /** A batch or snapshot for a group that no handler is registered for. */
  UNKNOWN_GROUP,
  /** A message addressed to another node id, or a stream that breaks the protocol. */
  MALFORMED,
  /** A snapshot whose size or checksum did not match its trailer. */
  CORRUPT_SNAPSHOT,
  /**
   * A snapshot this node could not store (its disk is full or failing): not the sender's fault; the
   * stream is closed as unavailable, the partial image deleted, and the sender retries later.
   */
  SNAPSHOT_WRITE_FAILED,
  /** The group's handler threw while taking delivery. */
  HANDLER_FAILED,
  /** A join check this node refused: another node id, an unknown group, or an id removed before. */
  JOIN_REFUSED,
  /**
   * A connection that closed before it became a gRPC connection: garbage bytes, an HTTP/1.x client,
   * a failed TLS handshake (an untrusted certificate also counts here), or a TCP probe that
   * connected and left. Counted only on the transport's own server.
   */
  HANDSHAKE_FAILED,
  /** A client certificate that does not chain to the trusted CAs (mutual TLS). */
  UNTRUSTED_CERTIFICATE,
  /**
   * A gRPC message over {@link GrpcTransportConfig#maxInboundMessageBytes()}: the stream is reset.
   */
  OVERSIZED
}
