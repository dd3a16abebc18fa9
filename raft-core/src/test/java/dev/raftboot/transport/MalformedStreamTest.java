package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes that are valid gRPC framing but not a valid protobuf, on both peer methods. */
class MalformedStreamTest {
  @TempDir Path dir;

  @Test
  void undecodableMessagesCloseOnlyTheirStream() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    try (GrpcTransport ta = Grpc.started(1, dir, a, c -> {});
        GrpcTransport tb = Grpc.started(2, dir, b, c -> {})) {
      tb.registerGroup("g", b);
      ManagedChannel raw =
          NettyChannelBuilder.forAddress("127.0.0.1", tb.port()).usePlaintext().build();
      try {
        long counted = 0;
        for (String method : List.of("raftboot.RaftPeer/Send", "raftboot.RaftPeer/SendSnapshot")) {
          assertThat(sendJunk(raw, method).getCode()).isNotEqualTo(Status.Code.OK);
          // Refused before the peer service saw it, and counted once as malformed.
          long expected = ++counted;
          await()
              .atMost(Duration.ofSeconds(20))
              .untilAsserted(
                  () ->
                      assertThat(tb.stats().rejected(RejectReason.MALFORMED)).isEqualTo(expected));
        }
        // Refused before the peer service saw them, and counted as malformed all the same.
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> assertThat(tb.stats().rejected(RejectReason.MALFORMED)).isEqualTo(2));
      } finally {
        raw.shutdownNow();
      }
      ta.addPeer(2, Grpc.address(tb));
      ta.send("g", List.of(Msgs.append(1, 2, 4)));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(b.indexesFrom(1)).containsExactly(4L));
    }
  }

  private static Status sendJunk(ManagedChannel channel, String method) {
    MethodDescriptor<byte[], byte[]> descriptor =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
            .setFullMethodName(method)
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();
    AtomicReference<Status> closed = new AtomicReference<>();
    ClientCall<byte[], byte[]> call = channel.newCall(descriptor, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.set(status);
          }
        },
        StreamHeaders.of(Grpc.CLUSTER, 9));
    call.request(1);
    byte[] junk = new byte[512];
    new Random(3).nextBytes(junk);
    junk[0] = (byte) 0xff; // an invalid field tag, so parsing cannot succeed by accident
    call.sendMessage(junk);
    call.halfClose();
    await().atMost(Duration.ofSeconds(20)).until(() -> closed.get() != null);
    return closed.get();
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
