package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.transport.GrpcTransport;
import dev.raftboot.transport.GrpcTransportConfig;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.PeerTraffic;
import dev.raftboot.transport.RejectReason;
import dev.raftboot.transport.TestCerts;
import dev.raftboot.transport.TlsConfig;
import dev.raftboot.transport.TransportListener;
import dev.raftboot.transport.TransportMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against node 1 of a running three-server cluster (gRPC, RocksDB) that serves the group
 * "kv" under a steady write load. Each kind is refused, logged with its reason and counted in the
 * transport's {@link RejectReason} counters, and the cluster keeps taking writes.
 */
class BadInputOnRunningServerTest {
  private static final int MAX_MESSAGE = 1 << 20;

  @TempDir Path dir;

  private ServerCluster cluster(LongFunction<TlsConfig> tls) {
    Consumer<GrpcTransportConfig.Builder> settings =
        b ->
            b.backoff(Duration.ofMillis(20), Duration.ofMillis(500))
                .maxInboundMessageBytes(MAX_MESSAGE)
                .maxBatchBytes(MAX_MESSAGE / 4);
    return new ServerCluster(
        dir,
        3,
        new GroupOptions("kv", Duration.ofMillis(20), Duration.ofSeconds(3), 1000, 5),
        1,
        settings,
        tls);
  }

  private static long rejected(ServerCluster c, RejectReason reason) {
    return c.servers.get(1L).transportStats().rejected(reason);
  }

  /**
   * Waits until node 1 counted at least {@code atLeast} rejections for {@code reason}, and checks
   * that its Micrometer meter {@code raft.transport.rejected} reports them too.
   */
  private static void awaitRejected(ServerCluster c, RejectReason reason, long atLeast) {
    LocalCluster.await(() -> rejected(c, reason) >= atLeast, reason + " >= " + atLeast);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new TransportMetrics(c.servers.get(1L).transport()).bindTo(registry);
    assertThat(
            registry
                .get("raft.transport.rejected")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .functionCounter()
                .count())
        .isGreaterThanOrEqualTo(atLeast);
  }

  private static void awaitLogged(StderrCapture log, String... parts) {
    LocalCluster.await(
        () -> !log.linesWith(parts).isEmpty(), "a log line with " + String.join(", ", parts));
  }

  /** Bytes node 1 accepted from {@code peer} (0 when none). */
  private static long acceptedFrom(ServerCluster c, long peer) {
    PeerTraffic t = c.servers.get(1L).transport().peerTraffic().get(peer);
    return t == null ? 0 : t.bytesReceived();
  }

  @Test
  void garbageBytesAndAnHttp1RequestAreRefusedAndCounted() throws Exception {
    try (StderrCapture log = new StderrCapture();
        ServerCluster c = cluster(id -> null);
        KeyWriter w = new KeyWriter(c, "k")) {
      w.awaitMore(20, "before the garbage");
      long before = rejected(c, RejectReason.HANDSHAKE_FAILED);
      byte[] junk = new byte[4096];
      new Random(5).nextBytes(junk);
      assertServerHangsUp(c.ports.get(1L), junk);
      String http1 = "GET /raftboot.RaftPeer/Send HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      assertServerHangsUp(c.ports.get(1L), http1.getBytes(StandardCharsets.US_ASCII));

      awaitRejected(c, RejectReason.HANDSHAKE_FAILED, before + 2);
      awaitLogged(log, "node 1:", "never spoke gRPC");
      w.awaitMore(20, "after the garbage");
    }
  }

  /** Writes {@code bytes} on a fresh connection and expects the server to close it. */
  private static void assertServerHangsUp(int port, byte[] bytes) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      try {
        while (in.read() >= 0) {
          // An HTTP/2 GOAWAY, then the end of the stream.
        }
      } catch (SocketTimeoutException e) {
        fail("the server kept a garbage connection open");
      } catch (IOException reset) {
        // Reset by the server: refused as well.
      }
    }
  }

  @Test
  void aNodeOfAnotherClusterIsRefusedAndCounted() throws Exception {
    try (StderrCapture log = new StderrCapture();
        ServerCluster c = cluster(id -> null);
        KeyWriter w = new KeyWriter(c, "k")) {
      w.awaitMore(20, "before the stray node");
      long before = rejected(c, RejectReason.CLUSTER_ID_MISMATCH);
      // A node of another cluster that believes nodes 1-3 are its peers: it campaigns for "kv".
      Map<Long, PeerAddress> peers = Map.of(1L, c.address(1), 2L, c.address(2), 3L, c.address(3));
      ConfState voters =
          ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addVoters(4).build();
      RaftServer stray =
          RaftServer.start(
              new ServerConfig(
                  4,
                  "another-cluster",
                  "127.0.0.1",
                  ServerCluster.freePort(),
                  peers,
                  dir.resolve("stray"),
                  1,
                  null));
      try {
        stray.group(
            "kv",
            new dev.raftboot.testkit.KvStateMachine(),
            voters,
            new GroupOptions("kv", Duration.ofMillis(20), Duration.ofSeconds(3), 1000, 5),
            dev.raftboot.core.RaftConfig.builder().electionTick(10).heartbeatTick(1));
        awaitRejected(c, RejectReason.CLUSTER_ID_MISMATCH, before + 1);
        w.awaitMore(20, "while the stray node knocks");
        assertThat(acceptedFrom(c, 4)).isZero();
        assertThat(stray.transportStats().sendErrors()).isPositive();
        assertThat(log.linesWith("node 1:", "'another-cluster' is not 'cluster-test'"))
            .isNotEmpty();
      } finally {
        stray.close(Duration.ZERO);
      }
    }
  }

  @Test
  void aClientCertificateFromAnUntrustedCaIsRefusedAndCounted() throws Exception {
    TestCerts certs = new TestCerts(dir);
    Path trusted = certs.ca("cluster-ca");
    certs.ca("rogue-ca");
    // One certificate for every node (it names 127.0.0.1): fewer keytool runs.
    TlsConfig member = certs.node("member", "cluster-ca", trusted, true);
    // Trusts the cluster's CA, so it would accept node 1 as a server, but is signed by another.
    TlsConfig intruderCert = certs.node("intruder", "rogue-ca", trusted, true);
    try (StderrCapture log = new StderrCapture();
        ServerCluster c = cluster(id -> member);
        KeyWriter w = new KeyWriter(c, "k")) {
      w.awaitMore(20, "over mutual TLS");
      long before = rejected(c, RejectReason.UNTRUSTED_CERTIFICATE);
      long handshakesBefore = rejected(c, RejectReason.HANDSHAKE_FAILED);
      Set<Long> unreachable = ConcurrentHashMap.newKeySet();
      try (GrpcTransport intruder = rogue(9, c, b -> b.tls(intruderCert), unreachable::add)) {
        intruder.send("kv", List.of(heartbeat(9, 1, 0)));
        awaitRejected(c, RejectReason.UNTRUSTED_CERTIFICATE, before + 1);
        awaitRejected(c, RejectReason.HANDSHAKE_FAILED, handshakesBefore + 1);
        LocalCluster.await(() -> unreachable.contains(1L), "the intruder to see node 1 refuse it");
        LocalCluster.await(() -> intruder.stats().sendErrors() > 0, "the intruder's failed stream");
      }
      assertThat(acceptedFrom(c, 9)).isZero();
      awaitLogged(log, "node 1:", "refused a TLS client", "CN=intruder", "CN=rogue-ca");
      w.awaitMore(20, "after the intruder");
    }
  }

  @Test
  void messagesForAnUnknownGroupAreRefusedAndCounted() throws Exception {
    try (StderrCapture log = new StderrCapture();
        ServerCluster c = cluster(id -> null);
        KeyWriter w = new KeyWriter(c, "k")) {
      w.awaitMore(20, "before the unknown group");
      long before = rejected(c, RejectReason.UNKNOWN_GROUP);
      try (GrpcTransport rogue = rogue(9, c, b -> {}, peer -> {})) {
        for (int i = 0; i < 3; i++) {
          rogue.send("no-such-group", List.of(heartbeat(9, 1, 0)));
        }
        // Counted per batch: the three sends may travel as one.
        awaitRejected(c, RejectReason.UNKNOWN_GROUP, before + 1);
      }
      assertThat(acceptedFrom(c, 9)).isZero();
      awaitLogged(log, "node 1:", "unknown group 'no-such-group'");
      // Once per group at WARN, then at DEBUG: a misconfigured peer cannot flood the log.
      assertThat(log.linesWith("node 1:", "unknown group 'no-such-group'")).hasSize(1);
      w.awaitMore(20, "after the unknown group");
    }
  }

  @Test
  void anOversizedMessageIsRefusedAndCounted() throws Exception {
    try (StderrCapture log = new StderrCapture();
        ServerCluster c = cluster(id -> null);
        KeyWriter w = new KeyWriter(c, "k")) {
      w.awaitMore(20, "before the oversized message");
      long before = rejected(c, RejectReason.OVERSIZED);
      // A peer configured with a larger limit than node 1's: its message passes its own check.
      try (GrpcTransport rogue =
          rogue(9, c, b -> b.maxInboundMessageBytes(4 * MAX_MESSAGE), peer -> {})) {
        rogue.send("kv", List.of(heartbeat(9, 1, 2 * MAX_MESSAGE)));
        awaitRejected(c, RejectReason.OVERSIZED, before + 1);
        LocalCluster.await(() -> rogue.stats().sendErrors() > 0, "the sender's stream to fail");
      }
      assertThat(acceptedFrom(c, 9)).isZero();
      awaitLogged(log, "node 1:", "exceeds maximum size");
      w.awaitMore(20, "after the oversized message");
    }
  }

  /** A bare transport posing as node {@code id} of the cluster, with node 1 as its only peer. */
  private GrpcTransport rogue(
      long id,
      ServerCluster c,
      Consumer<GrpcTransportConfig.Builder> tweak,
      LongConsumer unreachable)
      throws IOException {
    GrpcTransportConfig.Builder b =
        GrpcTransportConfig.builder()
            .nodeId(id)
            .clusterId(ServerCluster.CLUSTER_ID)
            .bindHost("127.0.0.1")
            .port(0)
            .backoff(Duration.ofMillis(20), Duration.ofMillis(200));
    tweak.accept(b);
    GrpcTransport t =
        new GrpcTransport(
            b.build(),
            new TransportListener() {
              @Override
              public void unreachable(String group, long peerId) {
                unreachable.accept(peerId);
              }
            });
    t.start();
    t.addPeer(1, c.address(1));
    return t;
  }

  /** A heartbeat from {@code from} to {@code to}, padded with {@code padding} bytes of context. */
  private static Message heartbeat(long from, long to, int padding) {
    return Message.newBuilder()
        .setType(padding == 0 ? MessageType.MSG_HEARTBEAT : MessageType.MSG_APPEND)
        .setFrom(from)
        .setTo(to)
        .setTerm(1)
        .addAllEntries(
            padding == 0
                ? List.of()
                : List.of(
                    Entry.newBuilder().setData(ByteString.copyFrom(new byte[padding])).build()))
        .build();
  }
}
