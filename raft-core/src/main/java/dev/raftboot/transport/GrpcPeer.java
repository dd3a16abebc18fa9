package dev.raftboot.transport;

import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageBatch;
import dev.raftboot.proto.RaftPeerGrpc;
import dev.raftboot.proto.SendAck;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side towards one peer: its bounded queue, its gRPC channel and one long-lived client
 * stream of {@link MessageBatch}es.
 *
 * <p>States: IDLE (no stream; the next send opens one), CONNECTING (stream opened, not yet ready:
 * messages queue), CONNECTED (queued messages are written whenever gRPC says the stream is ready,
 * as few batches as the limits allow), BACKOFF (the last stream failed: messages are dropped at
 * once and reported unreachable until the backoff delay has passed), CLOSED. A failed stream drops
 * what was queued and reports every group that used it as unreachable: Raft retransmits, and stale
 * messages are worth less than a quick signal to slow down.
 *
 * <p>Streams are opened eagerly: when the peer is added, when a backoff ends, and when the peer
 * opens a stream to this node (which also ends a backoff: the peer is evidently up). A follower
 * seldom sends to another follower, yet when the leader goes, the one that campaigns needs the
 * other's vote at once; a stream opened only then costs the election a connection set-up.
 */
final class GrpcPeer {
  private static final Logger log = LoggerFactory.getLogger(GrpcPeer.class);

  private enum State {
    IDLE,
    CONNECTING,
    CONNECTED,
    BACKOFF,
    CLOSED
  }

  private final long localId;
  private final long id;
  private final PeerAddress address;
  private final GrpcTransportConfig config;
  private final ManagedChannel channel;
  private final RaftPeerGrpc.RaftPeerStub stub;
  private final OutboundQueue queue;
  private final TransportCounters counters;
  private final TransportListener listener;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;

  /**
   * Paces the redials of a channel gRPC reports failed. Apart from {@link #backoff}: redials while
   * a peer is down must not lengthen the backoff after a stream failure, during which sends are
   * dropped (a node whose peers start after it would otherwise drop messages for seconds once they
   * are up).
   */
  private final Backoff redialBackoff;

  private final Drainer drainer;
  private final Set<SnapshotSender> snapshots = ConcurrentHashMap.newKeySet();

  // Guarded by this.
  private State state = State.IDLE;

  /** When the current stream became ready (System.nanoTime), while {@link State#CONNECTED}. */
  private long connectedSinceNanos;

  private Stream current;
  private final Set<String> groupsSinceConnect = new LinkedHashSet<>();
  private boolean reportedDown;

  /** Counts backoffs, so a scheduled end of one that was cut short cannot end a later one. */
  private long backoffs;

  /** A callback waits for the channel to leave TRANSIENT_FAILURE. */
  private boolean awaitingChannel;

  /** A redial is scheduled while the channel stays in TRANSIENT_FAILURE. */
  private boolean redialScheduled;

  GrpcPeer(
      long id,
      PeerAddress address,
      GrpcTransportConfig config,
      ManagedChannel channel,
      TransportCounters counters,
      TransportListener listener,
      Executor executor,
      ScheduledExecutorService scheduler) {
    this.localId = config.nodeId();
    this.id = id;
    this.address = address;
    this.config = config;
    this.channel = channel;
    this.stub = RaftPeerGrpc.newStub(channel);
    this.queue = new OutboundQueue(config.queueLimits());
    this.counters = counters;
    this.listener = listener;
    this.executor = executor;
    this.drainer = new Drainer(executor, this::drainOnce);
    this.scheduler = scheduler;
    this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
    this.redialBackoff = new Backoff(config.initialBackoff(), config.maxBackoff());
  }

  PeerAddress address() {
    return address;
  }

  OutboundQueue queue() {
    return queue;
  }

  /** Queues messages of one group for this peer; drops and reports what does not fit. */
  void send(String group, List<Message> messages) {
    int accepted = 0;
    boolean open = false;
    synchronized (this) {
      if (state != State.BACKOFF && state != State.CLOSED) {
        accepted = queue.offerAll(group, messages);
        if (accepted > 0) {
          groupsSinceConnect.add(group);
        }
        if (state == State.IDLE) {
          state = State.CONNECTING;
          open = true;
        }
      }
    }
    if (accepted < messages.size()) {
      counters.messagesDropped.add(messages.size() - accepted);
      counters.peer(id).messagesDropped.add(messages.size() - accepted);
      log.debug(
          "node {}: dropped {} messages of group '{}' to peer {} (down or queue full)",
          localId,
          messages.size() - accepted,
          group,
          id);
      listener.unreachable(group, id);
    }
    if (open) {
      openStream();
    }
    if (accepted > 0) {
      requestDrain();
    }
  }

  /**
   * Opens a stream unless one is open, opening, or backing off. While gRPC reports the channel's
   * last connection attempt as failed, a call would fail at once (a send meanwhile does, and backs
   * off): the stream is opened when the channel's state changes instead, and this transport redials
   * on its own backoff meanwhile, since gRPC left alone retries a failed channel up to 2 min apart.
   */
  void connect() {
    boolean await = false;
    boolean open = false;
    synchronized (this) {
      if (state != State.IDLE) {
        return;
      }
      if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        await = !awaitingChannel;
        awaitingChannel = true;
        if (!redialScheduled) {
          // Scheduled under the lock while not CLOSED: close() closes every peer before the
          // transport stops the scheduler.
          redialScheduled = true;
          scheduler.schedule(
              this::scheduledRedial, redialBackoff.nextDelayNanos(), TimeUnit.NANOSECONDS);
        }
      } else {
        state = State.CONNECTING;
        open = true;
      }
    }
    if (await) {
      channel.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, this::channelChanged);
    }
    if (open) {
      openStream();
    }
  }

  private void scheduledRedial() {
    synchronized (this) {
      redialScheduled = false;
      if (state != State.IDLE) {
        return;
      }
    }
    redial();
  }

  private void channelChanged() {
    synchronized (this) {
      awaitingChannel = false;
    }
    connect();
  }

  /**
   * The peer opened a stream to this node, so it is up: a backoff towards it ends now (it may have
   * just restarted) and a stream is opened if none is.
   */
  void peerIsUp() {
    synchronized (this) {
      redialBackoff.reset();
      if (state == State.BACKOFF) {
        backoff.reset();
        state = State.IDLE;
      }
    }
    redial();
  }

  /** Makes gRPC dial the peer now rather than after its own backoff, and opens a stream. */
  private void redial() {
    channel.resetConnectBackoff();
    connect();
  }

  /** Starts streaming a snapshot on this peer's channel. */
  void sendSnapshot(String group, Message message, SnapshotSource source) {
    SnapshotSender sender =
        new SnapshotSender(
            group, id, message, source, config, counters, listener, snapshots::remove);
    synchronized (this) {
      if (state == State.CLOSED) {
        sender.failBeforeStart("peer removed");
        return;
      }
      snapshots.add(sender);
    }
    sender.start(stub);
  }

  private void openStream() {
    Stream stream = new Stream();
    synchronized (this) {
      if (state != State.CONNECTING) {
        return;
      }
      current = stream;
    }
    try {
      // Under the root context: this may run while serving the peer's own call (peerIsUp), and a
      // call started under a server call's context is cancelled when that call ends.
      Context.ROOT.run(() -> stub.send(stream));
    } catch (RuntimeException e) {
      // The channel was shut down under us (peer removed concurrently).
      streamFailed(stream, Status.fromThrowable(e));
    }
  }

  private void onReady(Stream stream) {
    synchronized (this) {
      if (stream != current) {
        return;
      }
      if (state == State.CONNECTING) {
        state = State.CONNECTED;
        connectedSinceNanos = System.nanoTime();
        backoff.reset();
        redialBackoff.reset();
        if (reportedDown) {
          log.info("node {}: stream to peer {} at {} is up again", localId, id, address);
        }
        reportedDown = false;
      }
    }
    requestDrain();
  }

  private void requestDrain() {
    drainer.requestHere();
  }

  private void drainOnce() {
    Stream stream;
    synchronized (this) {
      if (state != State.CONNECTED) {
        return;
      }
      stream = current;
    }
    try {
      while (stream.out.isReady()) {
        List<OutboundQueue.Item> items =
            queue.poll(config.maxBatchBytes(), config.maxBatchMessages());
        if (items.isEmpty()) {
          return;
        }
        write(stream, items);
      }
    } catch (RuntimeException e) {
      // Writing to a call cancelled concurrently (peer removed, transport closing).
      streamFailed(stream, Status.fromThrowable(e));
    }
  }

  /** Writes one batch per group, keeping each group's messages in queue order. */
  private void write(Stream stream, List<OutboundQueue.Item> items) {
    Map<String, MessageBatch.Builder> batches = new LinkedHashMap<>();
    for (OutboundQueue.Item item : items) {
      batches
          .computeIfAbsent(
              item.group(),
              g -> MessageBatch.newBuilder().setClusterId(config.clusterId()).setGroup(g))
          .addMessages(item.message());
    }
    for (MessageBatch.Builder builder : batches.values()) {
      MessageBatch batch = builder.build();
      stream.out.onNext(batch);
      counters.batchesSent.increment();
      counters.messagesSent.add(batch.getMessagesCount());
      counters.bytesSent.add(batch.getSerializedSize());
      counters.peer(id).bytesSent.add(batch.getSerializedSize());
    }
  }

  /**
   * How long the stream to this peer has been up, or null while it is not connected: a peer that
   * came back moments ago (a restart, a healed partition) has a short uptime.
   */
  synchronized Duration uptime(long nowNanos) {
    return state == State.CONNECTED ? Duration.ofNanos(nowNanos - connectedSinceNanos) : null;
  }

  private void streamFailed(Stream stream, Status status) {
    List<OutboundQueue.Item> dropped;
    Set<String> groups;
    boolean wasConnected;
    boolean firstFailure;
    long delayNanos;
    synchronized (this) {
      if (stream != current || state == State.CLOSED) {
        return;
      }
      current = null;
      wasConnected = state == State.CONNECTED;
      dropped = queue.clear();
      groups = new LinkedHashSet<>(groupsSinceConnect);
      dropped.forEach(item -> groups.add(item.group()));
      groupsSinceConnect.clear();
      state = State.BACKOFF;
      delayNanos = backoff.nextDelayNanos();
      firstFailure = !reportedDown;
      reportedDown = true;
      long round = ++backoffs;
      scheduler.schedule(() -> backoffOver(round), delayNanos, TimeUnit.NANOSECONDS);
    }
    counters.sendErrors.increment();
    counters.messagesDropped.add(dropped.size());
    counters.peer(id).sendErrors.increment();
    counters.peer(id).messagesDropped.add(dropped.size());
    long delayMs = TimeUnit.NANOSECONDS.toMillis(delayNanos);
    if (wasConnected || firstFailure || status.getCode() == Status.Code.PERMISSION_DENIED) {
      log.warn(
          "node {}: stream to peer {} at {} failed ({}: {}); retrying in {} ms",
          localId,
          id,
          address,
          status.getCode(),
          status.getDescription(),
          delayMs);
    } else {
      log.debug("node {}: peer {} at {} still down: {}", localId, id, address, status);
    }
    for (String group : groups) {
      listener.unreachable(group, id);
    }
  }

  private void backoffOver(long round) {
    synchronized (this) {
      if (state != State.BACKOFF || round != backoffs) {
        return;
      }
      state = State.IDLE;
    }
    redial();
  }

  /** Closes the stream and the channel, cancels snapshots and drops what is queued. */
  void close() {
    Stream stream;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      stream = current;
      current = null;
      counters.messagesDropped.add(queue.clear().size());
    }
    if (stream != null && stream.out != null) {
      try {
        stream.out.cancel("peer closed", null);
      } catch (RuntimeException ignored) {
        // Already finished: nothing to cancel.
      }
    }
    snapshots.forEach(s -> s.cancel("peer closed"));
    channel.shutdownNow();
  }

  /** One client stream; callbacks of a stream that is no longer current are ignored. */
  private final class Stream implements ClientResponseObserver<MessageBatch, SendAck> {
    private ClientCallStreamObserver<MessageBatch> out;

    @Override
    public void beforeStart(ClientCallStreamObserver<MessageBatch> requestStream) {
      this.out = requestStream;
      requestStream.setOnReadyHandler(() -> onReady(this));
    }

    @Override
    public void onNext(SendAck ack) {}

    @Override
    public void onError(Throwable t) {
      streamFailed(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      streamFailed(this, Status.UNAVAILABLE.withDescription("peer ended the stream"));
    }
  }
}
