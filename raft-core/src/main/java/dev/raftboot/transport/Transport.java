package dev.raftboot.transport;

import dev.raftboot.proto.JoinRequest;
import dev.raftboot.proto.JoinResponse;
import dev.raftboot.proto.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Carries Raft messages and snapshots between nodes for any number of Raft groups, named by a
 * String, sharing one transport per process.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>{@link #send} and {@link #sendSnapshot} never block the caller on the network: messages go
 *       into a bounded per-peer queue (bounded in messages and in bytes). When the queue is full,
 *       or the peer is unknown or known to be down, messages are dropped and {@link
 *       TransportListener#unreachable} is called for the group, so the Raft node can slow down to
 *       probing. Raft tolerates loss, so the transport never retries a message.
 *   <li>Messages of one group to one peer arrive in the order they were sent, or not at all.
 *   <li>Inbound messages of a group are handed to the {@link InboundHandler} registered for it;
 *       messages for a group nobody registered are rejected, logged and counted in {@link
 *       TransportStats#rejected()}.
 *   <li>A snapshot image is streamed in chunks with flow control; neither side holds it whole in
 *       memory. The outcome is reported through {@link TransportListener#snapshotStatus}.
 * </ul>
 *
 * <p>All methods are thread-safe. Callbacks (handlers, listener) run on transport threads and must
 * not block: a runtime hands them over to the group's own loop.
 */
public interface Transport extends AutoCloseable {

  /** This node's id: the {@code from} of the messages it sends, the {@code to} it accepts. */
  long localId();

  /** Starts serving inbound traffic. Called once, before anything is sent. */
  void start() throws IOException;

  /** Stops serving, closes every peer stream and drops everything queued. Idempotent. */
  @Override
  void close();

  /**
   * Adds a peer, or moves it to a new address (its queue and stream are replaced). Adding a peer
   * again at the address it has changes nothing: its queue and stream stay.
   */
  void addPeer(long peerId, PeerAddress address);

  /** Same as {@link #addPeer}: a peer's address changed. */
  default void updatePeer(long peerId, PeerAddress address) {
    addPeer(peerId, address);
  }

  /** Forgets a peer: its stream is closed and its queued messages are dropped. */
  void removePeer(long peerId);

  /** Delivers inbound messages and snapshots of {@code group} to {@code handler}. */
  void registerGroup(String group, InboundHandler handler);

  /** Stops delivering to {@code group}; its traffic is rejected from then on. */
  void unregisterGroup(String group);

  /**
   * Queues messages of {@code group} for their {@code to} peers. Never blocks.
   *
   * @throws IllegalArgumentException for a {@code MSG_SNAPSHOT}, which goes through {@link
   *     #sendSnapshot} so that its image is streamed, not carried in the message
   */
  void send(String group, List<Message> messages);

  /**
   * Streams a snapshot to {@code message.getTo()}: {@code message} is the core's MSG_SNAPSHOT (its
   * snapshot data is not sent; the image comes from {@code source}). Returns at once; the outcome
   * arrives as {@link TransportListener#snapshotStatus}, FINISH once the receiver holds the whole
   * image, FAILURE otherwise.
   */
  void sendSnapshot(String group, Message message, SnapshotSource source);

  /** A consistent copy of this transport's counters. */
  TransportStats stats();

  /** Traffic counters per peer id (peers that had traffic); empty when not tracked. */
  default Map<Long, PeerTraffic> peerTraffic() {
    return Map.of();
  }

  /**
   * How long the connection to each connected peer has been up; peers not connected are absent.
   * Empty when the transport does not track connections (then every peer counts as equal).
   */
  default Map<Long, Duration> peerUptimes() {
    return Map.of();
  }

  /**
   * The join check: asks the node at {@code address} (not necessarily a peer yet) whether it is
   * {@code request.getNodeId()} of this cluster and ready to join {@code request.getGroup()}, and
   * hands it the group's member addresses and removed ids. Never fails: a node of another cluster
   * or one that cannot be reached completes as a refusal ({@link JoinResponse#getAccepted()} false)
   * whose {@code reason} is {@code CLUSTER_ID_MISMATCH} or {@code UNREACHABLE}.
   *
   * <p>The default completes exceptionally with {@link UnsupportedOperationException}: a transport
   * without the check (the in-process one) lets membership changes proceed unchecked.
   */
  default CompletableFuture<JoinResponse> requestJoin(PeerAddress address, JoinRequest request) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getSimpleName() + " has no join check"));
  }
}
