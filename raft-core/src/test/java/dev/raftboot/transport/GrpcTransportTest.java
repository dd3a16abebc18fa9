package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.raftboot.proto.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private GrpcTransport node(long id, Recorder recorder) {
    return node(id, recorder, b -> {});
  }

  private GrpcTransport node(
      long id, Recorder recorder, java.util.function.Consumer<GrpcTransportConfig.Builder> tweak) {
    GrpcTransport t = Grpc.started(id, dir, recorder, tweak);
    t.registerGroup("g", recorder);
    toClose.add(t);
    return t;
  }

  @Test
  void deliversBetweenThreeNodesInOrder() {
    Recorder[] r = {new Recorder(), new Recorder(), new Recorder()};
    GrpcTransport[] t = {node(1, r[0]), node(2, r[1]), node(3, r[2])};
    for (GrpcTransport from : t) {
      for (GrpcTransport to : t) {
        if (from != to) {
          from.addPeer(to.localId(), Grpc.address(to));
        }
      }
    }
    for (int i = 0; i < 50; i++) {
      for (GrpcTransport from : t) {
        List<Message> out = new ArrayList<>();
        for (GrpcTransport to : t) {
          if (from != to) {
            out.add(Msgs.append(from.localId(), to.localId(), i));
          }
        }
        from.send("g", out);
      }
    }
    List<Long> expected = java.util.stream.LongStream.range(0, 50).boxed().toList();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int n = 0; n < 3; n++) {
                for (int from = 1; from <= 3; from++) {
                  if (from != n + 1) {
                    assertThat(r[n].indexesFrom(from)).isEqualTo(expected);
                  }
                }
              }
            });
    TransportStats s = t[0].stats();
    assertThat(s.messagesSent()).isEqualTo(100);
    assertThat(s.messagesReceived()).isEqualTo(100);
    assertThat(s.bytesSent()).isPositive();
    assertThat(s.bytesReceived()).isPositive();
    assertThat(r[0].unreachable).isEmpty();
  }

  /**
   * By default a transport runs its server and its channels on one event loop thread of its own, so
   * both peers' streams into node 31 are read there, and it stops with the transport. (Node ids no
   * other test uses: the assertions count live threads by name.)
   */
  @Test
  void peerTrafficRunsOnTheTransportsOwnEventLoopWhichStopsWithIt() {
    Recorder[] r = {new Recorder(), new Recorder(), new Recorder()};
    GrpcTransport[] t = {node(31, r[0]), node(32, r[1]), node(33, r[2])};
    for (int i = 1; i < 3; i++) {
      t[0].addPeer(t[i].localId(), Grpc.address(t[i]));
      t[i].addPeer(31, Grpc.address(t[0]));
    }
    for (int round = 1; round <= 2; round++) {
      for (int i = 1; i < 3; i++) {
        long to = t[i].localId();
        t[0].send("g", Msgs.appends(31, to, 5));
        t[i].send("g", Msgs.appends(to, 31, 5));
      }
      int expected = 5 * round;
      await().atMost(WAIT).untilAsserted(() -> assertThat(r[0].messages).hasSize(2 * expected));
      await().atMost(WAIT).untilAsserted(() -> assertThat(r[2].messages).hasSize(expected));
    }
    // gRPC may hand a stream's first messages over on the server's executor ("-in-") while it
    // looks the method up; later ones come on the connection's event loop.
    assertThat(r[0].deliveringThreads)
        .contains("raft-transport-31-io-1")
        .allMatch(name -> name.startsWith("raft-transport-31-i"));
    assertThat(r[2].deliveringThreads).contains("raft-transport-33-io-1");
    assertThat(liveThreadsNamed("raft-transport-31-io")).hasSize(1);

    t[0].close();
    assertThat(liveThreadsNamed("raft-transport-31-io")).isEmpty();
    assertThat(liveThreadsNamed("raft-transport-33-io")).hasSize(1);
  }

  @Test
  void zeroIoThreadsUsesGrpcsSharedEventLoops() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(41, a, c -> c.ioThreads(0));
    GrpcTransport tb = node(42, b, c -> c.ioThreads(0));
    ta.addPeer(42, Grpc.address(tb));
    for (int round = 1; round <= 2; round++) {
      ta.send("g", Msgs.appends(41, 42, 5));
      int expected = 5 * round;
      await().atMost(WAIT).untilAsserted(() -> assertThat(b.messages).hasSize(expected));
    }
    assertThat(b.deliveringThreads).anyMatch(name -> name.startsWith("grpc-default-worker"));
    assertThat(liveThreadsNamed("raft-transport-42-io")).isEmpty();
  }

  @Test
  void negativeIoThreadsAreRefusedByName() {
    assertThatThrownBy(() -> Grpc.config(1, dir).ioThreads(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ioThreads");
  }

  private static List<Thread> liveThreadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(th -> th.isAlive() && th.getName().startsWith(prefix + "-"))
        .toList();
  }

  @Test
  void messagesQueuedTogetherGoOutAsOneBatch() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, a);
    GrpcTransport tb = node(2, b);
    ta.addPeer(2, Grpc.address(tb));
    // One send queues all 200 at once, so the drain takes them in one batch.
    ta.send("g", Msgs.appends(1, 2, 200));
    await().atMost(WAIT).untilAsserted(() -> assertThat(b.messages).hasSize(200));
    assertThat(b.batchSizes).containsExactly(200);
    assertThat(ta.stats().batchesSent()).isEqualTo(1);
  }

  @Test
  void aStreamToAPeerOpensBeforeAnythingIsSent() {
    GrpcTransport ta = node(1, new Recorder());
    GrpcTransport tb = node(2, new Recorder());
    ta.addPeer(2, Grpc.address(tb));
    // Nothing sent: the stream is up all the same, ready for the first vote request.
    await().atMost(WAIT).until(() -> ta.peerUptimes().containsKey(2L));
  }

  /**
   * A server that starts adds its configured peers after those its membership directory recorded,
   * mostly the same ones at the same addresses. Replacing a peer then would cut a connection still
   * in its handshake, which the peer's server counts (and logs) as one that never spoke gRPC.
   */
  @Test
  void addingAPeerAgainAtItsAddressKeepsItsStream() {
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, new Recorder());
    GrpcTransport tb = node(2, b);
    for (int round = 0; round < 10; round++) {
      ta.addPeer(2, Grpc.address(tb));
      ta.addPeer(2, Grpc.address(tb));
      ta.send("g", List.of(Msgs.append(1, 2, round)));
      int received = round + 1;
      await().atMost(WAIT).untilAsserted(() -> assertThat(b.messages).hasSize(received));
      Duration up = ta.peerUptimes().get(2L);
      assertThat(up).isNotNull();
      ta.addPeer(2, Grpc.address(tb));
      assertThat(ta.peerUptimes().get(2L)).as("the same stream, still up").isGreaterThan(up);
      // Its connection spoke gRPC: closing it now is no refusal.
      ta.removePeer(2);
    }
    assertThat(tb.stats().rejected(RejectReason.HANDSHAKE_FAILED)).isZero();
  }

  @Test
  void aPeerThatConnectsEndsTheBackoffTowardsIt() {
    int port = Grpc.freePort();
    // A backoff far longer than the wait: only the peer's own stream can end it in time.
    GrpcTransport ta =
        node(1, new Recorder(), c -> c.backoff(Duration.ofMinutes(2), Duration.ofMinutes(2)));
    ta.addPeer(2, new PeerAddress("127.0.0.1", port));
    await().atMost(WAIT).until(() -> ta.stats().sendErrors() > 0);
    assertThat(ta.peerUptimes()).doesNotContainKey(2L);

    GrpcTransport tb = node(2, new Recorder(), c -> c.port(port));
    tb.addPeer(1, Grpc.address(ta));
    await().atMost(WAIT).until(() -> ta.peerUptimes().containsKey(2L));
  }

  @Test
  void aStreamOpenedBecauseThePeerConnectedOutlivesThePeersStream() {
    Recorder b = new Recorder();
    GrpcTransport tb = node(2, b);
    int port = tb.port();
    // A backoff far longer than the wait: a stream to node 2 that fails stays down.
    GrpcTransport ta =
        node(1, new Recorder(), c -> c.backoff(Duration.ofMinutes(2), Duration.ofMinutes(2)));
    ta.addPeer(2, Grpc.address(tb));
    await().atMost(WAIT).until(() -> ta.peerUptimes().containsKey(2L));
    // Node 2 goes away: node 1's stream fails and its channel, whose connection was lost, idles.
    tb.close();
    await().atMost(WAIT).until(() -> ta.stats().sendErrors() > 0);

    Recorder b2 = new Recorder();
    GrpcTransport tb2 = node(2, b2, c -> c.port(port));
    tb2.addPeer(1, Grpc.address(ta));
    // Node 2's stream ends node 1's backoff: node 1 opens its stream while serving node 2's call.
    await().atMost(WAIT).until(() -> ta.peerUptimes().containsKey(2L));
    long errors = ta.stats().sendErrors();

    // Node 2's stream ends (it forgets node 1). Node 1's stream is a connection of its own and
    // must not end with the call it was opened under.
    tb2.removePeer(1);
    ta.send("g", List.of(Msgs.append(1, 2, 5)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(b2.messages).hasSize(1));
    assertThat(ta.stats().sendErrors()).isEqualTo(errors);
    assertThat(ta.peerUptimes()).containsKey(2L);
  }

  @Test
  void batchesRespectTheByteLimit() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, a, c -> c.maxBatchBytes(10_000));
    GrpcTransport tb = node(2, b);
    ta.addPeer(2, Grpc.address(tb));
    List<Message> big = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      big.add(Msgs.append(1, 2, i, 4_000));
    }
    ta.send("g", big);
    await().atMost(WAIT).untilAsserted(() -> assertThat(b.messages).hasSize(20));
    assertThat(b.batchSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    assertThat(b.indexesFrom(1)).isSorted();
  }

  @Test
  void peerDownIsReportedUnreachableAndReconnectsWhenItComesUp() {
    Recorder a = new Recorder();
    GrpcTransport ta = node(1, a);
    int port = Grpc.freePort();
    ta.addPeer(2, new PeerAddress("127.0.0.1", port));
    ta.send("g", List.of(Msgs.append(1, 2, 0)));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(a.unreachable).contains(new Recorder.Unreachable("g", 2)));
    assertThat(ta.stats().sendErrors()).isPositive();

    Recorder b = new Recorder();
    node(2, b, c -> c.port(port));
    // A Raft leader keeps sending heartbeats; do the same until one gets through.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              ta.send("g", List.of(Msgs.append(1, 2, 7)));
              assertThat(b.messages).isNotEmpty();
            });
    assertThat(b.messages).allSatisfy(m -> assertThat(m.getIndex()).isEqualTo(7));
  }

  @Test
  void aPeerThatStaysDownIsStillReportedUnreachableAfterItsBackoffsRanOut() throws Exception {
    Recorder a = new Recorder();
    GrpcTransport ta = node(1, a);
    ta.addPeer(2, new PeerAddress("127.0.0.1", Grpc.freePort()));
    await().atMost(WAIT).until(() -> ta.stats().sendErrors() > 0);
    // Past several backoffs (20–200 ms here): each ended with a redial of a channel that gRPC still
    // reports failed. A send now must fail and be reported, not wait in a stream never opened.
    Thread.sleep(1_000);
    ta.send("g", List.of(Msgs.append(1, 2, 1)));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(a.unreachable).contains(new Recorder.Unreachable("g", 2)));
  }

  @Test
  void fullQueueDropsReportsUnreachableAndStaysBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recorder a = new Recorder();
    QueueLimits limits = new QueueLimits(100, 1 << 20);
    GrpcTransport ta = node(1, a, c -> c.queueLimits(limits).maxBatchMessages(10));
    GrpcTransport tb = Grpc.started(2, dir, TransportListener.NONE, c -> {});
    toClose.add(0, tb);
    // A receiver that stops taking delivery: flow control stops the sender's writes.
    tb.registerGroup(
        "g",
        new InboundHandler() {
          @Override
          public void onMessages(List<Message> messages) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public void onSnapshot(ReceivedSnapshot snapshot) {}
        });
    ta.addPeer(2, Grpc.address(tb));
    try {
      for (int i = 0; i < 5_000; i++) {
        ta.send("g", List.of(Msgs.append(1, 2, i, 1_000)));
        TransportStats s = ta.stats();
        assertThat(s.queuedMessages()).isLessThanOrEqualTo(100);
        assertThat(s.queuedBytes()).isLessThanOrEqualTo(1 << 20);
      }
      assertThat(a.unreachable).contains(new Recorder.Unreachable("g", 2));
      assertThat(ta.stats().messagesDropped()).isPositive();
    } finally {
      release.countDown();
    }
  }

  @Test
  void wrongClusterIdIsRejectedAndCountedWhileTheRightOneWorks() {
    Recorder server = new Recorder();
    GrpcTransport ts = node(1, server);
    Recorder good = new Recorder();
    GrpcTransport tg = node(2, good);
    Recorder bad = new Recorder();
    GrpcTransport tbad = node(3, bad, c -> c.clusterId("other-cluster"));
    tg.addPeer(1, Grpc.address(ts));
    tbad.addPeer(1, Grpc.address(ts));

    tbad.send("g", List.of(Msgs.append(3, 1, 0)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(ts.stats().rejected(RejectReason.CLUSTER_ID_MISMATCH)).isPositive());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(bad.unreachable).contains(new Recorder.Unreachable("g", 1)));

    tg.send("g", List.of(Msgs.append(2, 1, 5)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.indexesFrom(2)).containsExactly(5L));
    assertThat(server.indexesFrom(3)).isEmpty();
  }

  @Test
  void unknownGroupIsRejectedAndCountedOtherGroupsStillFlow() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, a);
    GrpcTransport tb = node(2, b);
    ta.addPeer(2, Grpc.address(tb));
    ta.send("nobody-here", List.of(Msgs.append(1, 2, 1)));
    ta.send("g", List.of(Msgs.append(1, 2, 2)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(b.indexesFrom(1)).containsExactly(2L));
    assertThat(tb.stats().rejected(RejectReason.UNKNOWN_GROUP)).isEqualTo(1);
  }

  @Test
  void messagesForAnotherNodeAreDropped() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, a);
    GrpcTransport tb = node(2, b);
    ta.addPeer(2, Grpc.address(tb));
    // Misrouted: addressed to 9 but sent down the stream to node 2 (simulates a stale address).
    ta.addPeer(9, Grpc.address(tb));
    ta.send("g", List.of(Msgs.append(1, 9, 1), Msgs.append(1, 2, 2)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(b.indexesFrom(1)).containsExactly(2L));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(tb.stats().rejected(RejectReason.MALFORMED)).isEqualTo(1));
  }

  @Test
  void garbageOnThePortDoesNotStopTheServer() throws IOException {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    GrpcTransport ta = node(1, a);
    GrpcTransport tb = node(2, b);
    Random random = new Random(7);
    for (int i = 0; i < 5; i++) {
      try (Socket s = new Socket("127.0.0.1", tb.port())) {
        OutputStream out = s.getOutputStream();
        byte[] junk = new byte[4096];
        random.nextBytes(junk);
        if (i % 2 == 1) {
          // A valid HTTP/2 preface followed by nonsense frames.
          out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(junk);
        out.flush();
        s.setSoTimeout(5_000);
        try {
          while (s.getInputStream().read() >= 0) {
            // Drain until the server hangs up on us.
          }
        } catch (IOException expected) {
          // Reset by the server: what a server does with garbage.
        }
      }
    }
    ta.addPeer(2, Grpc.address(tb));
    ta.send("g", List.of(Msgs.append(1, 2, 3)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(b.indexesFrom(1)).containsExactly(3L));
  }

  @Test
  void unknownPeerIsUnreachableAndSnapshotsAreRefusedBySend() {
    Recorder a = new Recorder();
    GrpcTransport ta = node(1, a);
    ta.send("g", List.of(Msgs.append(1, 5, 0)));
    assertThat(a.unreachable).containsExactly(new Recorder.Unreachable("g", 5));
    assertThat(ta.stats().messagesDropped()).isEqualTo(1);
    assertThatThrownBy(() -> ta.send("g", List.of(Msgs.snapshot(1, 5, 3))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsTheBoundPort() {
    GrpcTransport t = node(1, new Recorder());
    assertThat(t.port()).isPositive();
  }
}
