package dev.raftboot.transport;

import com.google.protobuf.ByteString;
import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.RaftPeerGrpc;
import dev.raftboot.proto.SnapshotAck;
import dev.raftboot.proto.SnapshotChunk;
import dev.raftboot.proto.SnapshotHeader;
import dev.raftboot.proto.SnapshotTrailer;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one snapshot: a header, the image in chunks read from the {@link SnapshotSource}, and a
 * trailer with size and CRC-32C. Chunks are read and written only while gRPC reports the stream
 * ready, so at most about one chunk plus gRPC's small send buffer is in memory whatever the image
 * size. Reports FINISH once the receiver acknowledges, FAILURE on any error, exactly once.
 */
final class SnapshotSender implements ClientResponseObserver<SnapshotChunk, SnapshotAck> {
  private static final Logger log = LoggerFactory.getLogger(SnapshotSender.class);

  private final String group;
  private final long peerId;
  private final Message message;
  private final SnapshotSource source;
  private final GrpcTransportConfig config;
  private final TransportCounters counters;
  private final TransportListener listener;
  private final Consumer<SnapshotSender> onDone;
  private final AtomicBoolean done = new AtomicBoolean();
  private final CRC32C crc = new CRC32C();
  private final byte[] buffer;

  // Touched only from the serialized on-ready callbacks.
  private ClientCallStreamObserver<SnapshotChunk> out;
  private InputStream in;
  private boolean headerSent;
  private boolean allSent;
  private long size;

  SnapshotSender(
      String group,
      long peerId,
      Message message,
      SnapshotSource source,
      GrpcTransportConfig config,
      TransportCounters counters,
      TransportListener listener,
      Consumer<SnapshotSender> onDone) {
    this.group = group;
    this.peerId = peerId;
    this.message = message;
    this.source = source;
    this.config = config;
    this.counters = counters;
    this.listener = listener;
    this.onDone = onDone;
    this.buffer = new byte[config.snapshotChunkBytes()];
  }

  void start(RaftPeerGrpc.RaftPeerStub stub) {
    try {
      // Owned by the transport, not by whatever call the starting thread serves (see GrpcPeer).
      Context.ROOT.run(() -> stub.sendSnapshot(this));
    } catch (RuntimeException e) {
      finish(SnapshotStatus.FAILURE, "cannot start the stream: " + e);
    }
  }

  void failBeforeStart(String why) {
    finish(SnapshotStatus.FAILURE, why);
  }

  void cancel(String why) {
    ClientCallStreamObserver<SnapshotChunk> stream = out;
    if (stream != null) {
      try {
        stream.cancel(why, null);
      } catch (RuntimeException ignored) {
        // Already finished.
      }
    }
    finish(SnapshotStatus.FAILURE, why);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
    this.out = requestStream;
    requestStream.setOnReadyHandler(this::pump);
  }

  private void pump() {
    try {
      while (!allSent && !done.get() && out.isReady()) {
        if (!headerSent) {
          out.onNext(header());
          headerSent = true;
          continue;
        }
        if (in == null) {
          in = source.open();
        }
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n > 0) {
          out.onNext(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
          crc.update(buffer, 0, n);
          size += n;
          counters.snapshotBytesSent.add(n);
        }
        if (n < buffer.length) {
          out.onNext(
              SnapshotChunk.newBuilder()
                  .setTrailer(
                      SnapshotTrailer.newBuilder().setSize(size).setCrc32C((int) crc.getValue()))
                  .build());
          out.onCompleted();
          allSent = true;
          closeSource();
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("node {}: cannot read the snapshot of group '{}'", config.nodeId(), group, e);
      try {
        out.cancel("snapshot source failed", e);
      } catch (RuntimeException ignored) {
        // Already finished.
      }
      finish(SnapshotStatus.FAILURE, "snapshot source failed: " + e);
    }
  }

  private SnapshotChunk header() {
    return SnapshotChunk.newBuilder()
        .setHeader(
            SnapshotHeader.newBuilder()
                .setClusterId(config.clusterId())
                .setGroup(group)
                .setMessage(message))
        .build();
  }

  @Override
  public void onNext(SnapshotAck ack) {}

  @Override
  public void onError(Throwable t) {
    Status status = Status.fromThrowable(t);
    finish(SnapshotStatus.FAILURE, status.getCode() + ": " + status.getDescription());
  }

  @Override
  public void onCompleted() {
    finish(allSent ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE, "receiver ended early");
  }

  private void finish(SnapshotStatus status, String why) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    closeSource();
    long index = message.getSnapshot().getMetadata().getIndex();
    if (status == SnapshotStatus.FINISH) {
      counters.snapshotsSent.increment();
      log.info(
          "node {}: sent snapshot of group '{}' at index {} ({} bytes) to peer {}",
          config.nodeId(),
          group,
          index,
          size,
          peerId);
    } else {
      counters.snapshotsFailed.increment();
      log.warn(
          "node {}: snapshot of group '{}' at index {} to peer {} failed after {} bytes: {}",
          config.nodeId(),
          group,
          index,
          peerId,
          size,
          why);
    }
    onDone.accept(this);
    listener.snapshotStatus(group, peerId, status);
  }

  private void closeSource() {
    InputStream stream = in;
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // The image was read (or abandoned); nothing more to do with it.
      }
    }
  }
}
