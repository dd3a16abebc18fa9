package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path certDir;
  private static TestCerts certs;
  private static Path trusted;
  private static TlsConfig nodeA;
  private static TlsConfig nodeB;
  private static TlsConfig intruderCert;

  @TempDir Path dir;
  private final List<GrpcTransport> started = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() {
    certs = new TestCerts(certDir);
    trusted = certs.ca("cluster-ca");
    certs.ca("rogue-ca");
    nodeA = certs.node("node-a", "cluster-ca", trusted, true);
    nodeB = certs.node("node-b", "cluster-ca", trusted, true);
    // Trusts the cluster CA (so it would accept the server) but its own certificate is signed by
    // a CA the cluster does not trust.
    intruderCert = certs.node("intruder", "rogue-ca", trusted, true);
  }

  private static TlsConfig serverAuthOnly(TlsConfig mutual) {
    return TlsConfig.serverAuth(mutual.certChain(), mutual.privateKey(), mutual.trustCerts());
  }

  @AfterEach
  void closeAll() {
    started.forEach(GrpcTransport::close);
  }

  private GrpcTransport node(long id, TlsConfig tls, Recorder recorder) {
    GrpcTransport t = Grpc.started(id, dir, recorder, c -> c.tls(tls));
    t.registerGroup("g", recorder);
    started.add(t);
    return t;
  }

  @Test
  void serverAuthenticatedTlsCarriesMessages() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, serverAuthOnly(nodeA), a);
    GrpcTransport tb = node(2, serverAuthOnly(nodeB), b);
    ta.addPeer(2, Grpc.address(tb));
    tb.addPeer(1, Grpc.address(ta));
    ta.send("g", List.of(Msgs.append(1, 2, 1)));
    tb.send("g", List.of(Msgs.append(2, 1, 2)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(b.indexesFrom(1)).containsExactly(1L));
    await().atMost(WAIT).untilAsserted(() -> assertThat(a.indexesFrom(2)).containsExactly(2L));
  }

  @Test
  void mutualTlsCarriesMessagesAndRefusesAnUntrustedClient() {
    Recorder server = new Recorder();
    GrpcTransport ts = node(1, nodeA, server);
    Recorder good = new Recorder();
    GrpcTransport tg = node(2, nodeB, good);
    Recorder intruder = new Recorder();
    GrpcTransport ti = node(3, intruderCert, intruder);
    tg.addPeer(1, Grpc.address(ts));
    ti.addPeer(1, Grpc.address(ts));

    tg.send("g", List.of(Msgs.append(2, 1, 1)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.indexesFrom(2)).containsExactly(1L));

    ti.send("g", List.of(Msgs.append(3, 1, 9)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(intruder.unreachable).contains(new Recorder.Unreachable("g", 1)));
    assertThat(ti.stats().sendErrors()).isPositive();
    assertThat(server.indexesFrom(3)).isEmpty();
  }

  @Test
  void plaintextClientCannotTalkToATlsServer() {
    Recorder server = new Recorder();
    GrpcTransport ts = node(1, nodeA, server);
    Recorder plain = new Recorder();
    GrpcTransport tp = Grpc.started(2, dir, plain, c -> {});
    started.add(tp);
    tp.addPeer(1, Grpc.address(ts));
    tp.send("g", List.of(Msgs.append(2, 1, 1)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(plain.unreachable).contains(new Recorder.Unreachable("g", 1)));
    assertThat(server.messages).isEmpty();
  }
}
