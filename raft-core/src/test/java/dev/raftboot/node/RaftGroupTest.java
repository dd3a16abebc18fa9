package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.testkit.KvStateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runtime on real threads: three groups in one JVM over an in-memory router. */
class RaftGroupTest {
  private static byte[] put(String key, String value) {
    return KvStateMachine.command((byte) 1, key, value, null);
  }

  private static Object await(CompletableFuture<?> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  @Test
  void proposalsCompleteAfterApplyAndReachEveryNode() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      List<CompletableFuture<Object>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(c.groups.get(leader).propose(put("k" + i, "v" + i)));
      }
      for (CompletableFuture<Object> f : futures) {
        await(f);
      }
      // The proposer has applied each write when its future completes.
      assertThat(c.machines.get(leader).get("k199")).isEqualTo("v199");
      long applied = c.groups.get(leader).appliedIndex();
      for (long id : c.groups.keySet()) {
        LocalCluster.await(() -> c.groups.get(id).appliedIndex() >= applied, "apply on " + id);
        assertThat(c.machines.get(id).contents()).hasSize(200);
      }
    }
  }

  @Test
  void aFollowerForwardsProposalsAndServesLinearizableReads() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      long follower = c.someFollower(leader);
      await(c.groups.get(follower).propose(put("x", "1")));
      assertThat(c.machines.get(follower).get("x")).isEqualTo("1");
      // A write acknowledged by the leader is visible on a follower after a barrier.
      await(c.groups.get(leader).propose(put("y", "2")));
      long other = c.groups.keySet().stream().filter(id -> id != leader).reduce(0L, Math::max);
      await(c.groups.get(other).linearizableBarrier());
      assertThat(c.machines.get(other).get("y")).isEqualTo("2");
    }
  }

  @Test
  void leadershipIsGrantedWithATokenAndRevokedOnStepDown() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      List<String> events = new CopyOnWriteArrayList<>();
      List<FencingToken> tokens = new CopyOnWriteArrayList<>();
      for (var e : c.groups.entrySet()) {
        long id = e.getKey();
        e.getValue()
            .addListener(
                new LeadershipListener() {
                  @Override
                  public void granted(long term, FencingToken token) {
                    events.add(id + " granted " + term);
                    tokens.add(token);
                  }

                  @Override
                  public void revoked(long term) {
                    events.add(id + " revoked " + term);
                  }
                });
      }
      long first = c.awaitLeader();
      FencingToken firstToken = c.groups.get(first).fencingToken().orElseThrow();
      // Cut the leader off: check-quorum makes it step down, the others elect a new leader.
      c.isolate(first);
      LocalCluster.await(() -> !c.groups.get(first).isLeader(), "old leader to step down");
      long second = c.awaitLeader();
      assertThat(second).isNotEqualTo(first);
      FencingToken secondToken = c.groups.get(second).fencingToken().orElseThrow();
      assertThat(secondToken).isGreaterThan(firstToken);
      LocalCluster.await(
          () -> events.contains(first + " revoked " + firstToken.term()), "revoked event");
      LocalCluster.await(
          () -> events.contains(second + " granted " + secondToken.term()), "granted event");
    }
  }

  @Test
  void aListenerAddedWhileLeadingIsToldOnceAndThenOfTheRevocation() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      LocalCluster.await(() -> g.fencingToken().isPresent(), "leadership granted");
      FencingToken token = g.fencingToken().orElseThrow();
      List<String> events = new CopyOnWriteArrayList<>();
      g.addListener(
          new LeadershipListener() {
            @Override
            public void granted(long term, FencingToken t) {
              events.add("granted " + term + " " + t.equals(token));
            }

            @Override
            public void revoked(long term) {
              events.add("revoked " + term);
            }
          });
      LocalCluster.await(() -> !events.isEmpty(), "the late listener hears of the leadership");
      await(g.propose(put("k", "v")));
      assertThat(events).containsExactly("granted " + token.term() + " true");

      c.isolate(leader);
      LocalCluster.await(() -> events.size() == 2, "revoked on step-down");
      assertThat(events.get(1)).isEqualTo("revoked " + token.term());
    }
  }

  /**
   * Messages the transport accepts but the group must refuse (a type only a node itself creates, an
   * append whose entries do not follow its index, a snapshot without its image) are counted and
   * dropped; the group keeps serving.
   */
  @Test
  void malformedPeerMessagesAreCountedAndTheGroupKeepsServing() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      long peer = c.someFollower(leader);
      long term = g.status().term();
      Message hup =
          Message.newBuilder().setType(MessageType.MSG_HUP).setFrom(peer).setTo(leader).build();
      Message gappedAppend =
          Message.newBuilder()
              .setType(MessageType.MSG_APPEND)
              .setFrom(peer)
              .setTo(leader)
              .setTerm(term)
              .setIndex(5)
              .addEntries(Entry.newBuilder().setIndex(9).setTerm(term))
              .build();
      Message bareSnapshot =
          Message.newBuilder()
              .setType(MessageType.MSG_SNAPSHOT)
              .setFrom(peer)
              .setTo(leader)
              .setTerm(term)
              .build();
      g.receive(List.of(hup, gappedAppend, bareSnapshot));
      LocalCluster.await(() -> g.stats().messagesRejected() == 3, "three messages rejected");
      await(g.propose(put("k", "v")));
      assertThat(g.isLeader()).isTrue();
      assertThat(g.status().term()).isEqualTo(term);
    }
  }

  /**
   * A leader whose uncommitted log is over its size limit refuses with the typed refusal itself,
   * not a {@link NotLeaderException} that would send the client to... this same leader.
   */
  @Test
  void aLeaderOverItsUncommittedLimitRefusesWithProposalDropped() throws Exception {
    try (LocalCluster c =
        new LocalCluster(
            3,
            0,
            LocalCluster.options(Duration.ofSeconds(10), 10_000, 100),
            RaftConfig.builder()
                .electionTick(10)
                .heartbeatTick(1)
                .preVote(true)
                .maxUncommittedEntriesSize(1_000))) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      // Nothing commits while the followers are cut off: the first write stays uncommitted.
      for (long id : c.groups.keySet()) {
        if (id != leader) {
          c.isolate(id);
        }
      }
      CompletableFuture<Object> first = g.propose(put("a", "x".repeat(600)));
      LocalCluster.await(() -> g.status().lastIndex() > g.status().commit(), "the first appended");
      assertThatThrownBy(() -> await(g.propose(put("b", "y".repeat(600)))))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(dev.raftboot.core.ProposalDroppedException.class)
          .isNotInstanceOf(NotLeaderException.class)
          .hasMessageContaining("uncommitted log size");
      c.heal();
      await(first);
    }
  }

  /** Stored state the consensus module cannot start from is a storage error naming the group. */
  @Test
  void aStoredCommitBeyondTheLogIsReportedAsTheGroupsStorageFailure() {
    MemoryGroupStorage storage =
        MemoryGroupStorage.bootstrap(
            dev.raftboot.proto.ConfState.newBuilder().addVoters(1).build());
    storage
        .memory()
        .setHardState(
            dev.raftboot.proto.HardState.newBuilder().setTerm(1).setCommit(1_000).build());
    java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      assertThatThrownBy(
              () ->
                  new RaftGroup(
                      LocalCluster.options(Duration.ofSeconds(5), 10_000, 100),
                      RaftConfig.builder().id(1).electionTick(10).heartbeatTick(1).build(),
                      storage,
                      new KvStateMachine(),
                      messages -> {},
                      Runnable::run,
                      timer))
          .isInstanceOf(dev.raftboot.storage.StorageException.class)
          .hasMessageContaining("group 'kv' cannot start from its stored state")
          .hasMessageContaining("stored commit 1000");
    } finally {
      timer.shutdownNow();
    }
  }

  /** The listener of DESIGN.md, {@code granted(term) / revoked(term)}, with no token. */
  @Test
  void aListenerOfTermsOnlyIsToldTheTermItLeads() throws Exception {
    try (LocalCluster c = LocalCluster.of(1)) {
      RaftGroup g = c.groups.get(c.awaitLeader());
      LocalCluster.await(() -> g.fencingToken().isPresent(), "leadership granted");
      long term = g.fencingToken().orElseThrow().term();
      List<Long> granted = new CopyOnWriteArrayList<>();
      g.addListener(
          new LeadershipListener() {
            @Override
            public void granted(long t) {
              granted.add(t);
            }

            @Override
            public void revoked(long t) {}
          });
      LocalCluster.await(() -> !granted.isEmpty(), "the listener hears of the leadership");
      assertThat(granted).containsExactly(term);
    }
  }

  @Test
  void closingALeaderRevokesItsLeadership() throws Exception {
    try (LocalCluster c = LocalCluster.of(1)) {
      RaftGroup g = c.groups.get(c.awaitLeader());
      LocalCluster.await(() -> g.fencingToken().isPresent(), "leadership granted");
      long term = g.fencingToken().orElseThrow().term();
      List<String> events = recordLeadership(g);
      LocalCluster.await(() -> !events.isEmpty(), "the listener hears of the leadership");
      // A lone voter has no one to hand over to: it closes as the leader.
      g.close();
      assertThat(g.fencingToken()).isEmpty();
      LocalCluster.await(() -> events.size() == 2, "revoked on close");
      assertThat(events).containsExactly("granted " + term, "revoked " + term);
    }
  }

  @Test
  void aLeadershipLostBeforeItsGrantWasAppliedIsNeverAnnounced() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    byte[] blocking = put("gate", "closed");
    try (LocalCluster c =
        new LocalCluster(
            3,
            0,
            LocalCluster.options(Duration.ofSeconds(3), 10_000, 100),
            LocalCluster.config(),
            () -> new GatedStateMachine(blocking, gate))) {
      try {
        gatedLeadership(c, gate, blocking);
      } finally {
        gate.countDown(); // never leave the applier blocked: close() waits for it
      }
    }
  }

  private static void gatedLeadership(LocalCluster c, CountDownLatch gate, byte[] blocking)
      throws Exception {
    long leader = c.awaitLeader();
    long target = c.someFollower(leader);
    List<String> events = recordLeadership(c.groups.get(target));
    // The target's applier stops at this entry (one pool thread held; the other runs the loops);
    // its grant will queue behind it.
    ((GatedStateMachine) c.stateMachines.get(target)).armed = true;
    c.groups.get(leader).propose(blocking);
    RaftGroup t = c.groups.get(target);
    LocalCluster.await(
        () -> {
          c.groups.get(leader).transferLeadership(target);
          return t.isLeader() && t.fencingToken().isPresent();
        },
        "node " + target + " to lead and commit an entry of its term");
    long term = t.fencingToken().orElseThrow().term();
    // It loses the leadership before its state machine has applied the grant's entry.
    c.isolate(target);
    LocalCluster.await(() -> !t.isLeader(), "the isolated leader to step down");
    gate.countDown();
    long applied = t.status().commit();
    LocalCluster.await(() -> t.appliedIndex() >= applied, "the target to apply its backlog");
    assertThat(t.fencingToken()).isEmpty();
    // The grant was queued behind the gated entry; let the notifications that follow it run.
    Thread.sleep(200);
    assertThat(events).isIn(List.of(), List.of("granted " + term, "revoked " + term));
  }

  /** Registers a listener on {@code g} that records "granted T" and "revoked T" in order. */
  private static List<String> recordLeadership(RaftGroup g) {
    List<String> events = new CopyOnWriteArrayList<>();
    g.addListener(
        new LeadershipListener() {
          @Override
          public void granted(long term, FencingToken token) {
            events.add("granted " + term);
          }

          @Override
          public void revoked(long term) {
            events.add("revoked " + term);
          }
        });
    return events;
  }

  /** A {@link KvStateMachine} whose apply of one command waits for a gate to open, once armed. */
  private static final class GatedStateMachine implements StateMachine {
    private final KvStateMachine kv = new KvStateMachine();
    private final byte[] blocking;
    private final CountDownLatch gate;
    volatile boolean armed;

    GatedStateMachine(byte[] blocking, CountDownLatch gate) {
      this.blocking = blocking;
      this.gate = gate;
    }

    @Override
    public Object apply(long index, byte[] command) {
      if (armed && java.util.Arrays.equals(command, blocking)) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return kv.apply(index, command);
    }

    @Override
    public void snapshot(java.io.OutputStream out) {
      kv.snapshot(out);
    }

    @Override
    public void restore(java.io.InputStream in) {
      kv.restore(in);
    }
  }

  @Test
  void aProposalItsCallerGaveUpOnIsStillForgottenAtItsDeadline() {
    try (LocalCluster c =
        LocalCluster.of(3, LocalCluster.options(Duration.ofMillis(300), 10_000, 100))) {
      long leader = c.awaitLeader();
      RaftGroup g = c.groups.get(leader);
      c.isolate(leader);
      // Never committed while cut off; the caller stops waiting before the runtime does.
      CompletableFuture<Object> f = g.propose(put("abandoned", "1"));
      f.cancel(true);
      LocalCluster.await(() -> g.pendingProposals() == 0, "the proposal forgotten at its deadline");
    }
  }

  @Test
  void withoutAQuorumAProposalFailsInsteadOfHanging() {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      c.isolate(leader);
      CompletableFuture<Object> f = c.groups.get(leader).propose(put("lost", "1"));
      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfAny(ProposalTimeoutException.class, NotLeaderException.class);
    }
  }

  @Test
  void aLaggingFollowerCatchesUpFromASnapshotAndARestartedNodeReplays() throws Exception {
    GroupOptions options =
        new GroupOptions("kv", Duration.ofMillis(10), Duration.ofSeconds(5), 20, 5);
    try (LocalCluster c =
        new LocalCluster(
            3, 0, options, RaftConfig.builder().electionTick(10).heartbeatTick(1).preVote(true))) {
      long leader = c.awaitLeader();
      long lagging = c.someFollower(leader);
      c.isolate(lagging);
      for (int i = 0; i < 100; i++) {
        await(c.groups.get(leader).propose(put("k" + i, "v" + i)));
      }
      LocalCluster.await(
          () -> c.storages.get(leader).memory().firstIndex() > 50, "leader to compact its log");
      c.heal();
      LocalCluster.await(
          () -> c.machines.get(lagging).contents().size() == 100, "lagging node to catch up");

      // Restart the lagging node from its storage: its state is rebuilt from snapshot + log.
      c.groups.get(lagging).close();
      RaftGroup restarted = c.start(lagging);
      await(c.groups.get(c.awaitLeader()).propose(put("after", "restart")));
      LocalCluster.await(
          () -> "restart".equals(c.machines.get(lagging).get("after")), "restarted node");
      assertThat(c.machines.get(lagging).contents()).hasSize(101);
      assertThat(restarted.appliedIndex()).isPositive();
    }
  }

  @Test
  void closingFailsWhatIsStillWaiting() {
    LocalCluster c = LocalCluster.of(3);
    long leader = c.awaitLeader();
    c.isolate(leader);
    CompletableFuture<Object> f = c.groups.get(leader).propose(put("pending", "1"));
    c.close();
    assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfAny(GroupClosedException.class, NotLeaderException.class);
  }

  @Test
  void aGracefullyClosedLeaderHandsOverWithoutAnElectionTimeout() throws Exception {
    try (LocalCluster c = LocalCluster.of(3)) {
      long leader = c.awaitLeader();
      for (int i = 0; i < 20; i++) {
        await(c.groups.get(leader).propose(put("k" + i, "v" + i)));
      }
      long term = c.groups.get(leader).status().term();
      c.groups.get(leader).close(Duration.ofSeconds(10));
      // The old leader had already stepped down when it closed: it handed leadership over
      // (a timeout election would only start after it was gone).
      assertThat(c.groups.get(leader).status().role()).isNotEqualTo(StateRole.LEADER);
      long next = c.awaitLeader();
      assertThat(next).isNotEqualTo(leader);
      assertThat(c.groups.get(next).status().term()).isEqualTo(term + 1);
      await(c.groups.get(next).propose(put("after", "handoff")));
      assertThat(c.machines.get(next).contents()).hasSize(21);
    }
  }
}
