package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.core.SnapshotStatus;
import dev.raftboot.proto.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InProcessTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final PeerAddress ANY = new PeerAddress("in-process", 1);

  @TempDir Path dir;
  private InProcessNetwork network;
  private final Recorder[] r = {new Recorder(), new Recorder(), new Recorder()};
  private final List<InProcessTransport> t = new ArrayList<>();

  @BeforeEach
  void setUp() {
    network = new InProcessNetwork(42);
    for (int i = 0; i < 3; i++) {
      InProcessTransport node =
          network.create(
              i + 1, r[i], QueueLimits.DEFAULT, new TempDirSnapshotSink(dir.resolve("n" + i)));
      node.registerGroup("g", r[i]);
      node.start();
      t.add(node);
    }
    for (InProcessTransport from : t) {
      for (InProcessTransport to : t) {
        if (from != to) {
          from.addPeer(to.localId(), ANY);
        }
      }
    }
  }

  @AfterEach
  void tearDown() {
    network.close();
  }

  private void sendAll(int index) {
    for (InProcessTransport from : t) {
      List<Message> out = new ArrayList<>();
      for (InProcessTransport to : t) {
        if (from != to) {
          out.add(Msgs.append(from.localId(), to.localId(), index));
        }
      }
      from.send("g", out);
    }
  }

  @Test
  void deliversBetweenThreeNodesInOrder() {
    for (int i = 0; i < 100; i++) {
      sendAll(i);
    }
    List<Long> expected = LongStream.range(0, 100).boxed().toList();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(r[0].indexesFrom(2)).isEqualTo(expected);
              assertThat(r[1].indexesFrom(3)).isEqualTo(expected);
              assertThat(r[2].indexesFrom(1)).isEqualTo(expected);
            });
    assertThat(t.get(0).stats().messagesSent()).isEqualTo(200);
    assertThat(t.get(0).stats().messagesReceived()).isEqualTo(200);
  }

  @Test
  void partitionCutsTrafficAndReportsUnreachableUntilHealed() {
    network.partition(Set.of(1L), Set.of(2L, 3L));
    sendAll(0);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(r[1].indexesFrom(3)).containsExactly(0L);
              assertThat(r[0].unreachable)
                  .contains(new Recorder.Unreachable("g", 2), new Recorder.Unreachable("g", 3));
            });
    assertThat(r[0].messages).isEmpty();
    assertThat(r[1].indexesFrom(1)).isEmpty();

    network.heal();
    sendAll(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(r[0].indexesFrom(2)).containsExactly(1L);
              assertThat(r[1].indexesFrom(1)).containsExactly(1L);
            });
  }

  @Test
  void isolateAndOneWayCut() {
    network.isolate(3);
    network.cut(1, 2);
    sendAll(0);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(r[0].indexesFrom(2)).containsExactly(0L);
              assertThat(r[0].unreachable).contains(new Recorder.Unreachable("g", 2));
              assertThat(r[1].unreachable).contains(new Recorder.Unreachable("g", 3));
            });
    assertThat(r[1].indexesFrom(1)).isEmpty();
    assertThat(r[2].messages).isEmpty();
  }

  @Test
  void seededDropRateLosesSomeButNotAll() {
    network.setDropRate(0.5);
    for (int i = 0; i < 400; i++) {
      t.get(0).send("g", List.of(Msgs.append(1, 2, i)));
    }
    // One link, one drainer: the seeded random source decides the same drops on every run.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(t.get(0).stats().queuedMessages()).isZero();
              assertThat(r[1].indexesFrom(1)).hasSizeBetween(100, 300).isSorted();
            });
  }

  @Test
  void delayKeepsOrder() {
    network.setDelay(Duration.ofMillis(30));
    for (int i = 0; i < 20; i++) {
      t.get(0).send("g", List.of(Msgs.append(1, 2, i)));
    }
    List<Long> expected = LongStream.range(0, 20).boxed().toList();
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[1].indexesFrom(1)).isEqualTo(expected));
  }

  @Test
  void unknownGroupAndUnknownPeer() {
    t.get(0).send("other", List.of(Msgs.append(1, 2, 0)));
    t.get(0).send("g", List.of(Msgs.append(1, 9, 0)));
    assertThat(r[0].unreachable).containsExactly(new Recorder.Unreachable("g", 9));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(t.get(1).stats().rejected(RejectReason.UNKNOWN_GROUP)).isEqualTo(1));
    assertThat(r[1].messages).isEmpty();
  }

  @Test
  void addingAPeerAgainAtItsAddressKeepsWhatIsQueuedForIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorder held = new Recorder();
    InProcessTransport receiver =
        network.create(
            4,
            TransportListener.NONE,
            QueueLimits.DEFAULT,
            new TempDirSnapshotSink(dir.resolve("4")));
    receiver.start();
    receiver.registerGroup(
        "g",
        new InboundHandler() {
          @Override
          public void onMessages(List<Message> messages) {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            held.onMessages(messages);
          }

          @Override
          public void onSnapshot(ReceivedSnapshot snapshot) {}
        });
    InProcessTransport sender =
        network.create(
            5, new Recorder(), QueueLimits.DEFAULT, new TempDirSnapshotSink(dir.resolve("5")));
    sender.start();
    sender.addPeer(4, ANY);
    sender.send("g", List.of(Msgs.append(5, 4, 0)));
    assertThat(entered.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // The first message is being delivered; these wait in the queue behind it.
    for (int i = 1; i < 10; i++) {
      sender.send("g", List.of(Msgs.append(5, 4, i)));
    }
    assertThat(sender.stats().queuedMessages()).isEqualTo(9);

    sender.addPeer(4, ANY);
    release.countDown();

    List<Long> expected = LongStream.range(0, 10).boxed().toList();
    await().atMost(WAIT).untilAsserted(() -> assertThat(held.indexesFrom(5)).isEqualTo(expected));
    assertThat(sender.stats().messagesDropped()).isZero();
  }

  @Test
  void fullQueueDropsAndReportsUnreachable() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InProcessTransport slow = network.create(4, TransportListener.NONE);
    slow.start();
    slow.registerGroup(
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
    Recorder rec = new Recorder();
    InProcessTransport sender =
        network.create(5, rec, new QueueLimits(50, 1 << 20), TempDirSnapshotSink.inSystemTemp());
    sender.start();
    sender.addPeer(4, ANY);
    try {
      for (int i = 0; i < 1_000; i++) {
        sender.send("g", List.of(Msgs.append(5, 4, i)));
        assertThat(sender.stats().queuedMessages()).isLessThanOrEqualTo(50);
      }
      assertThat(rec.unreachable).contains(new Recorder.Unreachable("g", 4));
      assertThat(sender.stats().messagesDropped()).isPositive();
    } finally {
      release.countDown();
    }
  }

  @Test
  void snapshotsAreCopiedThroughTheSinkAndFailAcrossAPartition() {
    t.get(0).sendSnapshot("g", Msgs.snapshot(1, 2, 5), () -> new GeneratedStream(3 << 20, 8));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(r[0].snapshotStatuses)
                    .containsExactly(new Recorder.SnapStatus("g", 2, SnapshotStatus.FINISH)));
    assertThat(r[1].snapshots).hasSize(1);
    assertThat(r[1].snapshots.get(0).image().size()).isEqualTo(3 << 20);

    network.isolate(3);
    t.get(0).sendSnapshot("g", Msgs.snapshot(1, 3, 6), () -> new GeneratedStream(1 << 20, 8));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(r[0].snapshotStatuses)
                    .contains(new Recorder.SnapStatus("g", 3, SnapshotStatus.FAILURE)));
    assertThat(r[2].snapshots).isEmpty();
  }
}
