package dev.raftboot.transport;

import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} whose peers live in the same JVM, connected by an {@link InProcessNetwork}.
 * Same semantics as {@link GrpcTransport} — bounded per-peer queues, per-(peer, group) order,
 * unknown groups rejected and counted, unreachable and snapshot reports, snapshots copied in chunks
 * through the receiver's {@link SnapshotSink} — without sockets, plus the network's fault hooks.
 * Peer addresses are recorded but not used: the network routes by node id.
 *
 * <p>Each link delivers on one thread at a time, synchronously into the receiver's handler, so a
 * handler that blocks holds the link back and the sender's queue fills, as with gRPC flow control.
 */
public final class InProcessTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(InProcessTransport.class);
  private static final int SNAPSHOT_CHUNK = 64 << 10;

  private final InProcessNetwork network;
  private final long localId;
  private final TransportListener listener;
  private final QueueLimits limits;
  private final SnapshotSink sink;
  private final TransportCounters counters = new TransportCounters();
  private final GroupRegistry groups;
  private final Map<Long, Link> links = new ConcurrentHashMap<>();
  private volatile boolean running;
  private volatile boolean closed;

  InProcessTransport(
      InProcessNetwork network,
      long localId,
      TransportListener listener,
      QueueLimits limits,
      SnapshotSink sink) {
    this.network = network;
    this.localId = localId;
    this.listener = listener;
    this.limits = limits;
    this.sink = sink;
    this.groups = new GroupRegistry(localId, counters);
  }

  @Override
  public long localId() {
    return localId;
  }

  @Override
  public void start() {
    if (closed) {
      throw new IllegalStateException("transport closed");
    }
    running = true;
  }

  boolean isRunning() {
    return running && !closed;
  }

  @Override
  public void close() {
    closed = true;
    running = false;
    links.values().forEach(link -> counters.messagesDropped.add(link.queue.clear().size()));
    links.clear();
    network.remove(this);
  }

  @Override
  public void addPeer(long peerId, PeerAddress address) {
    if (peerId == localId) {
      throw new IllegalArgumentException("a node is not its own peer: " + peerId);
    }
    Link known = links.get(peerId);
    if (known != null && known.address.equals(address)) {
      return;
    }
    Link old = links.put(peerId, new Link(peerId, address));
    if (old != null) {
      counters.messagesDropped.add(old.queue.clear().size());
    }
  }

  @Override
  public void removePeer(long peerId) {
    Link old = links.remove(peerId);
    if (old != null) {
      counters.messagesDropped.add(old.queue.clear().size());
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
    Map<Long, List<Message>> byPeer = new LinkedHashMap<>();
    for (Message m : messages) {
      byPeer.computeIfAbsent(m.getTo(), k -> new ArrayList<>()).add(m);
    }
    byPeer.forEach(
        (peerId, batch) -> {
          Link link = closed ? null : links.get(peerId);
          int accepted = link == null ? 0 : link.queue.offerAll(group, batch);
          if (accepted < batch.size()) {
            counters.messagesDropped.add(batch.size() - accepted);
            listener.unreachable(group, peerId);
          }
          if (accepted > 0) {
            link.requestDrain();
          }
        });
  }

  @Override
  public void sendSnapshot(String group, Message message, SnapshotSource source) {
    if (message.getType() != MessageType.MSG_SNAPSHOT) {
      throw new IllegalArgumentException("not a MSG_SNAPSHOT: " + message.getType());
    }
    long to = message.getTo();
    if (closed || !links.containsKey(to)) {
      snapshotDone(group, to, SnapshotStatus.FAILURE);
      return;
    }
    Message header =
        message.toBuilder().setSnapshot(message.getSnapshot().toBuilder().clearData()).build();
    network.executor().execute(() -> copySnapshot(group, header, source));
  }

  private void copySnapshot(String group, Message header, SnapshotSource source) {
    long to = header.getTo();
    InProcessTransport target = network.node(to);
    boolean ok =
        target != null
            && network.linkUp(localId, to)
            && target.receiveSnapshot(group, header, source, this);
    snapshotDone(group, to, ok ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE);
  }

  private void snapshotDone(String group, long to, SnapshotStatus status) {
    if (status == SnapshotStatus.FINISH) {
      counters.snapshotsSent.increment();
    } else {
      counters.snapshotsFailed.increment();
    }
    listener.snapshotStatus(group, to, status);
  }

  /** Copies the image chunk by chunk into this node's sink; false on any failure. */
  private boolean receiveSnapshot(
      String group, Message header, SnapshotSource source, InProcessTransport sender) {
    InboundHandler handler = groups.handlerOrReject(group, "node " + sender.localId);
    if (handler == null) {
      return false;
    }
    SnapshotWriter writer = null;
    try (InputStream in = source.open()) {
      writer = sink.open(group, sender.localId, header.getSnapshot().getMetadata());
      byte[] buffer = new byte[SNAPSHOT_CHUNK];
      int n;
      while ((n = in.read(buffer)) > 0) {
        // A partition or crash in the middle of a transfer breaks it, as it would on a socket.
        if (!isRunning() || !network.linkUp(sender.localId, localId)) {
          throw new IOException("link went down during the transfer");
        }
        writer.write(buffer, 0, n);
        sender.counters.snapshotBytesSent.add(n);
        counters.snapshotBytesReceived.add(n);
      }
      SnapshotImage image = writer.complete();
      writer = null;
      handler.onSnapshot(new ReceivedSnapshot(group, header, image));
      counters.snapshotsReceived.increment();
      return true;
    } catch (IOException | RuntimeException e) {
      log.info("node {}: snapshot from node {} failed: {}", localId, sender.localId, e.toString());
      if (writer != null) {
        writer.abort();
      }
      return false;
    }
  }

  private void receive(String group, List<Message> messages, int bytes, long from) {
    if (isRunning()) {
      groups.deliver(group, messages, bytes, "node " + from);
    }
  }

  @Override
  public TransportStats stats() {
    long queuedMessages = 0;
    long queuedBytes = 0;
    for (Link link : links.values()) {
      queuedMessages += link.queue.size();
      queuedBytes += link.queue.bytes();
    }
    return counters.snapshot(queuedMessages, queuedBytes);
  }

  /** The outbound side towards one peer: its queue and a single-runner drain. */
  private final class Link {
    private final long peerId;
    private final PeerAddress address;
    private final OutboundQueue queue = new OutboundQueue(limits);
    private final Drainer drainer = new Drainer(network.executor(), this::drainOnce);

    Link(long peerId, PeerAddress address) {
      this.peerId = peerId;
      this.address = address;
    }

    void requestDrain() {
      drainer.request();
    }

    private void drainOnce() {
      List<OutboundQueue.Item> items;
      while (!(items = queue.poll(Long.MAX_VALUE, 1024)).isEmpty()) {
        Map<String, List<Message>> byGroup = new LinkedHashMap<>();
        Map<String, Integer> bytes = new LinkedHashMap<>();
        for (OutboundQueue.Item item : items) {
          if (network.dropNow(localId, peerId)) {
            continue;
          }
          byGroup.computeIfAbsent(item.group(), g -> new ArrayList<>()).add(item.message());
          bytes.merge(item.group(), item.size(), Integer::sum);
        }
        byGroup.forEach((group, batch) -> cross(group, batch, bytes.get(group)));
      }
    }

    private void cross(String group, List<Message> batch, int size) {
      InProcessTransport target = network.node(peerId);
      if (target == null || !isRunning() || !network.linkUp(localId, peerId)) {
        counters.sendErrors.increment();
        counters.messagesDropped.add(batch.size());
        listener.unreachable(group, peerId);
        return;
      }
      counters.batchesSent.increment();
      counters.messagesSent.add(batch.size());
      counters.bytesSent.add(size);
      Duration delay = network.delay(localId, peerId);
      if (delay.isZero()) {
        target.receive(group, batch, size, localId);
      } else {
        network
            .scheduler()
            .schedule(
                () -> target.receive(group, batch, size, localId),
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
      }
    }
  }
}
