package dev.raftboot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.core.SnapshotStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link LinkFaults} hooks on real gRPC streams between three transports. */
class GrpcLinkFaultsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final LinkFaults faults = new LinkFaults(11);
  private final List<GrpcTransport> started = new ArrayList<>();
  private final Recorder[] r = {new Recorder(), new Recorder(), new Recorder()};
  private GrpcTransport[] t;

  @AfterEach
  void closeAll() {
    started.forEach(GrpcTransport::close);
  }

  private void startThree() {
    t = new GrpcTransport[3];
    for (int i = 0; i < 3; i++) {
      t[i] = Grpc.started(i + 1, dir, r[i], c -> c.faults(faults));
      t[i].registerGroup("g", r[i]);
      started.add(t[i]);
    }
    for (GrpcTransport from : t) {
      for (GrpcTransport to : t) {
        if (from != to) {
          from.addPeer(to.localId(), Grpc.address(to));
        }
      }
    }
  }

  @Test
  void aOneWayCutDropsAndReportsOnlyItsDirectionUntilHealed() {
    startThree();
    faults.cut(1, 2);
    t[0].send("g", List.of(Msgs.append(1, 2, 1), Msgs.append(1, 3, 1)));
    t[1].send("g", List.of(Msgs.append(2, 1, 1)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[2].indexesFrom(1)).containsExactly(1L));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[0].indexesFrom(2)).containsExactly(1L));
    assertThat(r[0].unreachable).containsExactly(new Recorder.Unreachable("g", 2));
    assertThat(t[0].stats().messagesDropped()).isEqualTo(1);
    assertThat(r[1].indexesFrom(1)).isEmpty();

    faults.heal();
    assertThat(faults.active()).isFalse();
    t[0].send("g", List.of(Msgs.append(1, 2, 2)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[1].indexesFrom(1)).containsExactly(2L));
  }

  @Test
  void aPartitionSplitsTheNodesIntoSidesAndIsolationCutsOneOff() {
    startThree();
    faults.partition(Set.of(1L, 2L), Set.of(3L));
    for (GrpcTransport from : t) {
      for (long to = 1; to <= 3; to++) {
        if (to != from.localId()) {
          from.send("g", List.of(Msgs.append(from.localId(), to, 1)));
        }
      }
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[0].indexesFrom(2)).containsExactly(1L));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[1].indexesFrom(1)).containsExactly(1L));
    assertThat(r[2].messages).isEmpty();
    assertThat(r[0].indexesFrom(3)).isEmpty();
    assertThat(r[2].unreachable)
        .contains(new Recorder.Unreachable("g", 1), new Recorder.Unreachable("g", 2));

    faults.heal();
    faults.isolate(2);
    t[0].send("g", List.of(Msgs.append(1, 2, 2), Msgs.append(1, 3, 2)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[2].indexesFrom(1)).containsExactly(2L));
    assertThat(r[1].indexesFrom(1)).containsExactly(1L);
  }

  @Test
  void aDropRateLosesMessagesSilentlyOnTheFaultyLinkOnly() {
    startThree();
    faults.setDropRate(1, 2, 1.0);
    t[0].send("g", Msgs.appends(1, 2, 20));
    t[0].send("g", Msgs.appends(1, 3, 20));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[2].indexesFrom(1)).hasSize(20));
    assertThat(r[1].messages).isEmpty();
    assertThat(r[0].unreachable).isEmpty();
  }

  @Test
  void aDelayHoldsMessagesBackAndKeepsTheirOrder() {
    startThree();
    Duration delay = Duration.ofMillis(300);
    faults.setDelay(1, 2, delay);
    long sentAt = System.nanoTime();
    t[0].send("g", Msgs.appends(1, 2, 10));
    boolean early = !r[1].messages.isEmpty();
    long elapsed = System.nanoTime() - sentAt;
    if (elapsed < delay.toNanos()) {
      // A lower bound only: nothing can have crossed before the delay was over.
      assertThat(early).isFalse();
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(r[1].indexesFrom(1))
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L));
  }

  @Test
  void aSnapshotOverALinkThatIsDownFails() {
    startThree();
    faults.isolate(2);
    t[0].sendSnapshot("g", Msgs.snapshot(1, 2, 5), () -> new GeneratedStream(1 << 20, 3));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(r[0].snapshotStatuses)
                    .containsExactly(new Recorder.SnapStatus("g", 2, SnapshotStatus.FAILURE)));
    assertThat(r[1].snapshots).isEmpty();
    faults.heal();
    t[0].sendSnapshot("g", Msgs.snapshot(1, 2, 6), () -> new GeneratedStream(1 << 20, 3));
    await().atMost(WAIT).untilAsserted(() -> assertThat(r[1].snapshots).hasSize(1));
  }

  @Test
  void linkUpFollowsTheRules() {
    LinkFaults f = new LinkFaults(1);
    assertThat(f.active()).isFalse();
    f.partition(Set.of(1L, 2L), Set.of(3L, 4L, 5L));
    assertThat(f.linkUp(1, 2)).isTrue();
    assertThat(f.linkUp(3, 5)).isTrue();
    assertThat(f.linkUp(2, 3)).isFalse();
    assertThat(f.linkUp(6, 1)).isFalse(); // in no side: reaches only the others in no side
    assertThat(f.linkUp(6, 7)).isTrue();
    f.cut(3, 4);
    assertThat(f.linkUp(3, 4)).isFalse();
    assertThat(f.linkUp(4, 3)).isTrue();
    f.isolate(5);
    assertThat(f.linkUp(3, 5)).isFalse();
    assertThat(f.linkUp(5, 4)).isFalse();
    f.heal();
    assertThat(f.active()).isFalse();
    assertThat(f.linkUp(2, 3)).isTrue();
  }
}
