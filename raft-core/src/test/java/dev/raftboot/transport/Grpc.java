package dev.raftboot.transport;

import dev.raftboot.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** Builds GrpcTransports on 127.0.0.1 for tests. */
final class Grpc {
  static final String CLUSTER = "test-cluster";

  private Grpc() {}

  static GrpcTransportConfig.Builder config(long id, Path snapshotDir) {
    return GrpcTransportConfig.builder()
        .nodeId(id)
        .clusterId(CLUSTER)
        .bindHost("127.0.0.1")
        .port(0)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .snapshotSink(new TempDirSnapshotSink(snapshotDir.resolve("node-" + id)));
  }

  static GrpcTransport started(
      long id, Path dir, TransportListener listener, Consumer<GrpcTransportConfig.Builder> tweak) {
    GrpcTransportConfig.Builder b = config(id, dir);
    tweak.accept(b);
    GrpcTransport t = new GrpcTransport(b.build(), listener);
    try {
      t.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t;
  }

  static PeerAddress address(GrpcTransport t) {
    return new PeerAddress("127.0.0.1", t.port());
  }

  static int freePort() {
    return FreePorts.next();
  }
}
