package dev.raftboot.transport;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.SnapshotAck;
import dev.raftboot.proto.SnapshotChunk;
import dev.raftboot.proto.SnapshotHeader;
import dev.raftboot.proto.SnapshotTrailer;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one snapshot stream: header, data chunks, trailer. Each chunk is written to the sink as
 * it arrives (gRPC requests the next chunk only after this one is written, so a slow disk slows the
 * sender instead of filling memory). The image is handed to the group only when its size and
 * CRC-32C match the trailer; any failure aborts the writer so no partial image survives.
 */
final class SnapshotReceiver implements StreamObserver<SnapshotChunk> {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReceiver.class);

  private final long localId;
  private final String clusterId;
  private final long from;
  private final String peer;
  private final LinkFaults faults;
  private final SnapshotSink sink;
  private final GroupRegistry groups;
  private final TransportCounters counters;
  private final StreamObserver<SnapshotAck> responses;
  private final CRC32C crc = new CRC32C();

  private SnapshotHeader header;
  private InboundHandler handler;
  private SnapshotWriter writer;
  private long size;
  private boolean finished;

  SnapshotReceiver(
      long localId,
      String clusterId,
      long from,
      String peer,
      LinkFaults faults,
      SnapshotSink sink,
      GroupRegistry groups,
      TransportCounters counters,
      StreamObserver<SnapshotAck> responses) {
    this.localId = localId;
    this.clusterId = clusterId;
    this.from = from;
    this.peer = peer;
    this.faults = faults;
    this.sink = sink;
    this.groups = groups;
    this.counters = counters;
    this.responses = responses;
  }

  @Override
  public void onNext(SnapshotChunk chunk) {
    if (finished) {
      return;
    }
    if (faults != null && !faults.linkUp(from, localId)) {
      // Test fault injection: the link went down during the transfer, which breaks it.
      log.info("node {}: snapshot stream from {} cut by a link fault", localId, peer);
      finish(Status.UNAVAILABLE.withDescription("link from node " + from + " is down"));
      return;
    }
    try {
      switch (chunk.getKindCase()) {
        case HEADER -> onHeader(chunk.getHeader());
        case DATA -> onData(chunk.getData());
        case TRAILER -> onTrailer(chunk.getTrailer());
        default -> fail(RejectReason.MALFORMED, Status.INVALID_ARGUMENT, "empty snapshot chunk");
      }
    } catch (IOException | UncheckedIOException e) {
      // This node's disk, not the peer's stream: full or failing. The sender hears UNAVAILABLE
      // (reported to its node as a failed snapshot) and tries again later.
      fail(
          RejectReason.SNAPSHOT_WRITE_FAILED,
          Status.UNAVAILABLE,
          "cannot store the snapshot image here: " + e);
    }
  }

  private void onHeader(SnapshotHeader h) throws IOException {
    if (header != null) {
      fail(RejectReason.MALFORMED, Status.INVALID_ARGUMENT, "second snapshot header");
      return;
    }
    Message m = h.getMessage();
    if (!clusterId.equals(h.getClusterId())) {
      fail(RejectReason.CLUSTER_ID_MISMATCH, Status.PERMISSION_DENIED, "cluster id mismatch");
      return;
    }
    if (m.getType() != MessageType.MSG_SNAPSHOT || m.getTo() != localId || !m.hasSnapshot()) {
      fail(RejectReason.MALFORMED, Status.INVALID_ARGUMENT, "header is not a MSG_SNAPSHOT to us");
      return;
    }
    handler = groups.handlerOrReject(h.getGroup(), peer);
    if (handler == null) {
      // Counted by the registry; only the stream needs closing.
      finish(Status.NOT_FOUND.withDescription("unknown group '" + h.getGroup() + "'"));
      return;
    }
    header = h;
    writer = sink.open(h.getGroup(), m.getFrom(), m.getSnapshot().getMetadata());
  }

  private void onData(ByteString data) throws IOException {
    if (writer == null) {
      fail(RejectReason.MALFORMED, Status.INVALID_ARGUMENT, "snapshot data before header");
      return;
    }
    byte[] bytes = data.toByteArray();
    writer.write(bytes, 0, bytes.length);
    crc.update(bytes, 0, bytes.length);
    size += bytes.length;
    counters.snapshotBytesReceived.add(bytes.length);
  }

  private void onTrailer(SnapshotTrailer trailer) throws IOException {
    if (writer == null) {
      fail(RejectReason.MALFORMED, Status.INVALID_ARGUMENT, "snapshot trailer before header");
      return;
    }
    if (trailer.getSize() != size || trailer.getCrc32C() != (int) crc.getValue()) {
      fail(
          RejectReason.CORRUPT_SNAPSHOT,
          Status.DATA_LOSS,
          "snapshot image does not match its trailer (size "
              + size
              + "/"
              + trailer.getSize()
              + ")");
      return;
    }
    SnapshotImage image = writer.complete();
    writer = null;
    try {
      handler.onSnapshot(new ReceivedSnapshot(header.getGroup(), header.getMessage(), image));
    } catch (RuntimeException e) {
      image.discard();
      log.warn("node {}: handler of group '{}' refused a snapshot", localId, header.getGroup(), e);
      fail(RejectReason.HANDLER_FAILED, Status.INTERNAL, "snapshot handler failed");
      return;
    }
    counters.snapshotsReceived.increment();
    log.info(
        "node {}: received snapshot of group '{}' at index {} ({} bytes) from {}",
        localId,
        header.getGroup(),
        header.getMessage().getSnapshot().getMetadata().getIndex(),
        size,
        peer);
    responses.onNext(SnapshotAck.getDefaultInstance());
    finish(Status.OK);
  }

  private void fail(RejectReason reason, Status status, String why) {
    counters.reject(reason);
    log.warn("node {}: refused a snapshot from {}: {}", localId, peer, why);
    finish(status.withDescription(why));
  }

  private void finish(Status status) {
    finished = true;
    if (writer != null) {
      writer.abort();
      writer = null;
    }
    if (status.isOk()) {
      responses.onCompleted();
    } else {
      responses.onError(status.asRuntimeException());
    }
  }

  @Override
  public void onError(Throwable t) {
    if (!finished) {
      finished = true;
      if (writer != null) {
        writer.abort();
        writer = null;
      }
      log.info(
          "node {}: snapshot stream from {} broke after {} bytes: {}",
          localId,
          peer,
          size,
          Status.fromThrowable(t));
    }
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }
    if (header == null) {
      // Nothing valid arrived: a message that did not parse was refused, and counted, by gRPC's
      // side of the server (ServerRefusals); an empty stream is not worth a count of its own.
      log.debug("node {}: snapshot stream from {} ended before any header", localId, peer);
      finish(Status.INVALID_ARGUMENT.withDescription("snapshot stream ended before its header"));
      return;
    }
    fail(RejectReason.MALFORMED, Status.INVALID_ARGUMENT, "snapshot stream ended before trailer");
  }
}
