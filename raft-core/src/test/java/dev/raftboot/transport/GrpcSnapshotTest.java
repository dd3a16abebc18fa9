package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.core.SnapshotStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcSnapshotTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final long SIZE = 100L << 20;

  @TempDir Path dir;
  private GrpcTransport sender;
  private GrpcTransport receiver;

  @AfterEach
  void close() {
    if (sender != null) {
      sender.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void streamsAHundredMegabyteImageWithoutHoldingIt() throws IOException {
    Recorder out = new Recorder();
    Recorder in = new Recorder();
    sender = Grpc.started(1, dir, out, c -> {});
    receiver = Grpc.started(2, dir, in, c -> {});
    receiver.registerGroup("g", in);
    sender.addPeer(2, Grpc.address(receiver));

    sender.sendSnapshot("g", Msgs.snapshot(1, 2, 42), () -> new GeneratedStream(SIZE, 99));

    awaitStatus(out, "g", SnapshotStatus.FINISH);
    assertThat(in.snapshots).hasSize(1);
    ReceivedSnapshot got = in.snapshots.get(0);
    assertThat(got.group()).isEqualTo("g");
    assertThat(got.message().getFrom()).isEqualTo(1);
    assertThat(got.message().getSnapshot().getMetadata().getIndex()).isEqualTo(42);
    assertThat(got.message().getSnapshot().getData().isEmpty()).isTrue();
    assertThat(got.image().size()).isEqualTo(SIZE);
    assertThat(got.image().path()).isPresent();
    assertThat(crcOf(got.image())).isEqualTo(GeneratedStream.crcOf(SIZE, 99));
    assertThat(sender.stats().snapshotsSent()).isEqualTo(1);
    assertThat(sender.stats().snapshotBytesSent()).isEqualTo(SIZE);
    assertThat(receiver.stats().snapshotsReceived()).isEqualTo(1);
    got.image().discard();
    assertThat(Files.exists(got.image().path().orElseThrow())).isFalse();
  }

  @Test
  void receiverDyingMidStreamReportsFailureAndLeavesNoPartialImage() throws Exception {
    CountDownLatch midway = new CountDownLatch(1);
    Path sinkDir = dir.resolve("sink");
    TempDirSnapshotSink files = new TempDirSnapshotSink(sinkDir);
    AtomicLong written = new AtomicLong();
    SnapshotSink counting =
        writingThrough(
            files,
            (w, chunk, offset, length) -> {
              w.write(chunk, offset, length);
              if (written.addAndGet(length) > (8 << 20)) {
                midway.countDown();
              }
            });
    Recorder out = new Recorder();
    Recorder in = new Recorder();
    sender = Grpc.started(1, dir, out, c -> {});
    receiver = Grpc.started(2, dir, in, c -> c.snapshotSink(counting));
    receiver.registerGroup("g", in);
    sender.addPeer(2, Grpc.address(receiver));

    // Far bigger than what gets through before the receiver goes away.
    sender.sendSnapshot("g", Msgs.snapshot(1, 2, 7), () -> new GeneratedStream(64L << 30, 1));
    assertThat(midway.await(60, TimeUnit.SECONDS)).isTrue();
    receiver.close();

    awaitStatus(out, "g", SnapshotStatus.FAILURE);
    assertThat(in.snapshots).isEmpty();
    assertThat(sender.stats().snapshotsFailed()).isEqualTo(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (var files2 = Files.list(sinkDir)) {
                assertThat(files2).isEmpty();
              }
            });
  }

  /** A receiver whose disk is full refuses as unavailable, counts it as its own failure. */
  @Test
  void aReceiverThatCannotStoreTheImageFailsTheTransferAndBlamesItsDisk() throws Exception {
    Path sinkDir = dir.resolve("full");
    TempDirSnapshotSink files = new TempDirSnapshotSink(sinkDir);
    SnapshotSink full =
        writingThrough(
            files,
            (w, chunk, offset, length) -> {
              throw new IOException("No space left on device");
            });
    Recorder out = new Recorder();
    Recorder in = new Recorder();
    sender = Grpc.started(1, dir, out, c -> {});
    receiver = Grpc.started(2, dir, in, c -> c.snapshotSink(full));
    receiver.registerGroup("g", in);
    sender.addPeer(2, Grpc.address(receiver));

    sender.sendSnapshot("g", Msgs.snapshot(1, 2, 9), () -> new GeneratedStream(1 << 20, 3));

    awaitStatus(out, "g", SnapshotStatus.FAILURE);
    assertThat(receiver.stats().rejected(RejectReason.SNAPSHOT_WRITE_FAILED)).isEqualTo(1);
    assertThat(receiver.stats().rejected(RejectReason.MALFORMED)).isZero();
    assertThat(in.snapshots).isEmpty();
    try (var left = Files.list(sinkDir)) {
      assertThat(left).as("the partial image is deleted").isEmpty();
    }
  }

  @Test
  void snapshotForAnUnknownGroupFails() {
    Recorder out = new Recorder();
    Recorder in = new Recorder();
    sender = Grpc.started(1, dir, out, c -> {});
    receiver = Grpc.started(2, dir, in, c -> {});
    sender.addPeer(2, Grpc.address(receiver));
    sender.sendSnapshot("nope", Msgs.snapshot(1, 2, 3), () -> new GeneratedStream(1 << 20, 5));
    awaitStatus(out, "nope", SnapshotStatus.FAILURE);
    assertThat(receiver.stats().rejected(RejectReason.UNKNOWN_GROUP)).isEqualTo(1);
  }

  @Test
  void snapshotToAnUnknownPeerFailsAtOnce() {
    Recorder out = new Recorder();
    sender = Grpc.started(1, dir, out, c -> {});
    sender.sendSnapshot("g", Msgs.snapshot(1, 4, 3), () -> new GeneratedStream(10, 5));
    assertThat(out.snapshotStatuses)
        .containsExactly(new Recorder.SnapStatus("g", 4, SnapshotStatus.FAILURE));
  }

  private static long crcOf(SnapshotImage image) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream s = image.openStream()) {
      int n;
      while ((n = s.read(buffer)) > 0) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }

  /** How a test's writer handles a chunk, given the file writer underneath. */
  private interface ChunkWrite {
    void write(SnapshotWriter file, byte[] chunk, int offset, int length) throws IOException;
  }

  /** A sink whose writers put chunks through {@code onWrite}, completing into {@code files}. */
  private static SnapshotSink writingThrough(TempDirSnapshotSink files, ChunkWrite onWrite) {
    return (group, from, meta) -> {
      SnapshotWriter w = files.open(group, from, meta);
      return new SnapshotWriter() {
        @Override
        public void write(byte[] chunk, int offset, int length) throws IOException {
          onWrite.write(w, chunk, offset, length);
        }

        @Override
        public SnapshotImage complete() throws IOException {
          return w.complete();
        }

        @Override
        public void abort() {
          w.abort();
        }
      };
    };
  }

  /** Waits until the sender's node was told exactly one outcome: {@code status} for node 2. */
  private static void awaitStatus(Recorder out, String group, SnapshotStatus status) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(out.snapshotStatuses)
                    .containsExactly(new Recorder.SnapStatus(group, 2, status)));
  }
}
