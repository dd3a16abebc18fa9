package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.proto.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Barriers requested in one loop pass share one read index request. */
class ReadBarriersTest {

  @Test
  void barriersOfOnePassShareOneReadIndexPerKind() {
    RawNode raw = singleVoterLeader();
    ReadBarriers reads = new ReadBarriers(1, new NotLeaderFailures("g", MemberRegistry::local));
    List<CompletableFuture<Void>> barriers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      barriers.add(f);
      reads.request(i % 2 == 0, f);
    }
    CompletableFuture<Void> forgotten = barriers.get(3);
    reads.forget(forgotten);

    reads.issue(raw);
    Ready rd = raw.ready();
    assertThat(rd.readStates()).as("one safe and one lease read index").hasSize(2);

    reads.issue(raw);
    raw.advance(rd);
    assertThat(raw.hasReady() && !raw.ready().readStates().isEmpty())
        .as("nothing more to ask")
        .isFalse();
  }

  @Test
  void safeBarriersWaitWhileTheRoundsInFlightAreAtTheLimitThenShareTheNext() {
    RawNode raw = singleVoterLeader();
    ReadBarriers reads = new ReadBarriers(1, new NotLeaderFailures("g", MemberRegistry::local));
    List<Integer> batchSizes = new ArrayList<>();
    ReadBarriers.Waiter waiter = (index, batch) -> batchSizes.add(batch.size());

    // Rounds go out until the limit is reached.
    List<Ready> out = new ArrayList<>();
    for (int i = 0; i < ReadBarriers.MAX_SAFE_IN_FLIGHT; i++) {
      assertThat(reads.safeRequestInFlight()).isFalse();
      reads.request(false, new CompletableFuture<>());
      reads.issue(raw);
      Ready rd = raw.ready();
      assertThat(rd.readStates()).hasSize(1);
      raw.advance(rd);
      out.add(rd);
    }
    assertThat(reads.safeRequestInFlight()).isTrue();

    // Two more arrive at the limit: no request yet.
    reads.request(false, new CompletableFuture<>());
    reads.request(false, new CompletableFuture<>());
    reads.issue(raw);
    assertThat(raw.hasReady() && !raw.ready().readStates().isEmpty())
        .as("no read index asked at the limit")
        .isFalse();

    // The oldest comes back: the two queued go out together.
    reads.onReadStates(out.get(0).readStates(), waiter);
    assertThat(reads.safeRequestInFlight()).isFalse();
    reads.issue(raw);
    Ready next = raw.ready();
    assertThat(next.readStates()).hasSize(1);
    reads.onReadStates(next.readStates(), waiter);
    raw.advance(next);
    assertThat(batchSizes).containsExactly(1, 2);
  }

  @Test
  void roundsThatNeverComeBackStopHoldingBarriersAfterSomeTicks() {
    RawNode raw = singleVoterLeader();
    ReadBarriers reads = new ReadBarriers(1, new NotLeaderFailures("g", MemberRegistry::local));
    for (int i = 0; i < ReadBarriers.MAX_SAFE_IN_FLIGHT; i++) {
      reads.request(false, new CompletableFuture<>());
      reads.issue(raw);
      raw.advance(raw.ready()); // its answer is lost
    }

    reads.request(false, new CompletableFuture<>());
    for (int i = 1; i < ReadBarriers.IN_FLIGHT_TICKS; i++) {
      reads.onTick();
      reads.issue(raw);
      assertThat(raw.hasReady() && !raw.ready().readStates().isEmpty()).isFalse();
    }
    reads.onTick();
    reads.issue(raw);
    assertThat(raw.ready().readStates()).as("the waiting barrier went out").hasSize(1);
  }

  private static RawNode singleVoterLeader() {
    MemoryLogStorage storage = new MemoryLogStorage(ConfState.newBuilder().addVoters(1).build());
    RawNode raw =
        new RawNode(
            RaftConfig.builder().id(1).electionTick(10).heartbeatTick(1).checkQuorum(true).build(),
            storage);
    raw.campaign();
    while (raw.hasReady()) {
      Ready rd = raw.ready();
      storage.append(rd.entries());
      raw.advance(rd);
    }
    return raw;
  }

  @Test
  void withoutALeaderEveryBarrierOfThePassFailsTyped() {
    RawNode raw =
        new RawNode(
            RaftConfig.builder().id(1).electionTick(10).heartbeatTick(1).build(),
            new MemoryLogStorage(ConfState.newBuilder().addVoters(1).addVoters(2).build()));
    ReadBarriers reads = new ReadBarriers(1, new NotLeaderFailures("g", MemberRegistry::local));
    CompletableFuture<Void> a = new CompletableFuture<>();
    CompletableFuture<Void> b = new CompletableFuture<>();
    reads.request(false, a);
    reads.request(false, b);
    reads.issue(raw);
    assertThat(a).isCompletedExceptionally();
    assertThat(b).isCompletedExceptionally();
    assertThat(a)
        .failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(NotLeaderException.class);
  }
}
