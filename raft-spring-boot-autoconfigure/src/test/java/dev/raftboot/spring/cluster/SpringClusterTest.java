package dev.raftboot.spring.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.raftboot.node.RaftServer;
import dev.raftboot.spring.LeadershipGrantedEvent;
import dev.raftboot.spring.RaftTemplate;
import dev.raftboot.spring.ReadConsistency;
import dev.raftboot.spring.actuate.RaftEndpoint;
import dev.raftboot.spring.autoconfigure.CounterStateMachine;
import dev.raftboot.spring.schedule.JobRun;
import dev.raftboot.spring.schedule.ScheduledOnceJobs;
import dev.raftboot.transport.TestCerts;
import dev.raftboot.transport.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.SecurityContext;

/** Three application contexts in one JVM forming a cluster over gRPC on loopback. */
class SpringClusterTest {
  @TempDir Path dir;

  @BeforeEach
  void reset() {
    ClusterApp.RUNS.clear();
    ClusterApp.DOWNSTREAM.reset();
  }

  @Test
  void replicatesFromEveryNodeAndFailsOverWithEvents() throws Exception {
    try (SpringCluster cluster = new SpringCluster(3, dir, "raft.scheduler.enabled=false")) {
      cluster.startAll();
      long leader = cluster.awaitLeader("counter");
      for (long id = 1; id <= 3; id++) {
        Long total =
            cluster
                .template(id)
                .<Long>submit("counter", new CounterStateMachine.Add(id))
                .get(10, TimeUnit.SECONDS);
        assertThat(total).isPositive();
      }
      for (long id = 1; id <= 3; id++) {
        RaftTemplate raft = cluster.template(id);
        assertThat(
                raft.read("counter", (CounterStateMachine c) -> c.total())
                    .get(10, TimeUnit.SECONDS))
            .as("linearizable read on node %d", id)
            .isEqualTo(6);
        assertThat(
                raft.read("counter", ReadConsistency.LEASE, (CounterStateMachine c) -> c.total())
                    .get(10, TimeUnit.SECONDS))
            .isEqualTo(6);
      }
      assertThat(cluster.bean(leader, ClusterApp.LeadershipEvents.class).events)
          .anySatisfy(e -> assertThat(e).isInstanceOf(LeadershipGrantedEvent.class));

      // The leader goes away; another node is granted leadership and announces it.
      cluster.stop(leader);
      long next = cluster.awaitLeader("counter");
      assertThat(next).isNotEqualTo(leader);
      assertThat(cluster.bean(next, ClusterApp.LeadershipEvents.class).events)
          .anySatisfy(
              e -> {
                assertThat(e).isInstanceOf(LeadershipGrantedEvent.class);
                assertThat(((LeadershipGrantedEvent) e).group()).isEqualTo("counter");
              });
      Long total =
          cluster
              .template(next)
              .<Long>submit("counter", new CounterStateMachine.Add(10))
              .get(10, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(16);

      // The stopped node comes back from its data directory and catches up.
      cluster.start(leader);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(cluster.bean(leader, CounterStateMachine.class).total())
                      .isEqualTo(16));
    }
  }

  // Peer traffic on the application's own gRPC server (Spring Boot's), not on a port of its own.
  @Test
  void peersTalkOverTheApplicationsGrpcServer() throws Exception {
    try (SpringCluster cluster =
        new SpringCluster(
            3,
            dir,
            "test.user-grpc-service=true",
            "raft.scheduler.enabled=false",
            "debug=true",
            "logging.level.org.springframework.boot.autoconfigure=DEBUG")) {
      cluster.startAll();
      for (long id = 1; id <= 3; id++) {
        assertThat(cluster.node(id).containsBean("raftPeerService")).isTrue();
        RaftServer server = cluster.bean(id, RaftServer.class);
        assertThatThrownBy(server::port)
            .as("no dedicated peer port")
            .isInstanceOf(IllegalStateException.class);
      }
      cluster.awaitLeader("counter");
      for (long id = 1; id <= 3; id++) {
        cluster
            .template(id)
            .submit("counter", new CounterStateMachine.Add(1))
            .get(10, TimeUnit.SECONDS);
      }
      for (long id = 1; id <= 3; id++) {
        assertThat(cluster.template(id).read("counter", (CounterStateMachine c) -> c.total()).get())
            .isEqualTo(3);
      }
    }
  }

  // raft.tls.* wires mutual TLS with PEM files: the cluster forms and replicates over it.
  @Test
  void peersTalkOverMutualTls() throws Exception {
    TestCerts certs = new TestCerts(dir);
    Path ca = certs.ca("ca");
    TlsConfig node = certs.node("node", "ca", ca, true);
    try (SpringCluster cluster =
        new SpringCluster(
            3,
            dir,
            "raft.scheduler.enabled=false",
            "raft.tls.enabled=true",
            "raft.tls.certificate=" + node.certChain(),
            "raft.tls.private-key=" + node.privateKey(),
            "raft.tls.trust-certificates=" + ca)) {
      cluster.startAll();
      long leader = cluster.awaitLeader("counter");
      for (long id = 1; id <= 3; id++) {
        cluster
            .template(id)
            .submit("counter", new CounterStateMachine.Add(2))
            .get(10, TimeUnit.SECONDS);
      }
      assertThat(
              cluster.template(leader).read("counter", (CounterStateMachine c) -> c.total()).get())
          .isEqualTo(6);
    }
  }

  // A fourth node configured with raft.join starts empty and is added through the raft endpoint.
  @Test
  void aJoiningNodeIsAddedThroughTheEndpointAndCatchesUp() throws Exception {
    try (SpringCluster cluster =
        new SpringCluster(
            4,
            3,
            dir,
            "raft.scheduler.enabled=false",
            "management.endpoints.web.exposure.include=raft")) {
      cluster.startAll();
      long leader = cluster.awaitLeader("counter");
      cluster
          .template(leader)
          .submit("counter", new CounterStateMachine.Add(5))
          .get(10, TimeUnit.SECONDS);
      cluster.start(4);
      assertThat(cluster.bean(4, CounterStateMachine.class).total()).isZero();

      RaftEndpoint endpoint = cluster.bean(leader, RaftEndpoint.class);
      SecurityContext admin = admin();
      assertThat(
              endpoint
                  .change(admin, "counter", "add-learner", 4L, cluster.address(4), null)
                  .getStatus())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(cluster.bean(4, CounterStateMachine.class).total()).isEqualTo(5));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  endpoint.change(admin, "counter", "promote", 4L, null, null).getStatus() == 200);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          cluster.template(4).group("counter").status().confState().getVotersList())
                      .containsExactlyInAnyOrder(1L, 2L, 3L, 4L));
      Long total =
          cluster
              .template(4)
              .<Long>submit("counter", new CounterStateMachine.Add(1))
              .get(10, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(6);
    }
  }

  private static SecurityContext admin() {
    return new SecurityContext() {
      @Override
      public java.security.Principal getPrincipal() {
        return () -> "operator";
      }

      @Override
      public boolean isUserInRole(String role) {
        return true;
      }
    };
  }

  @Test
  void scheduledOnceRunsAtMostOncePerSlotAcrossForcedLeaderChanges() throws Exception {
    try (SpringCluster cluster =
        new SpringCluster(3, dir, "raft.scheduler.history-size=100000", "test.tick-rate=200ms")) {
      cluster.startAll();
      int changes = 0;
      int attempts = 0;
      long leader = cluster.awaitLeader("raft-scheduler");
      while (changes < 21) {
        assertThat(attempts++).as("transfer attempts").isLessThan(200);
        // Let a slot or two run under this leader, then move leadership on.
        Thread.sleep(250);
        long target = (leader + attempts) % 3 + 1;
        if (target == leader) {
          continue;
        }
        cluster.template(leader).group("raft-scheduler").transferLeadership(target);
        long previous = leader;
        try {
          leader =
              await()
                  .atMost(Duration.ofSeconds(3))
                  .until(
                      () -> cluster.leaderOf("raft-scheduler").orElse(previous),
                      l -> l != previous);
          changes++;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          // A transfer to a follower that is not caught up is abandoned; try another.
          leader = cluster.awaitLeader("raft-scheduler");
        }
      }
      Thread.sleep(600);

      ScheduledOnceJobs jobs = cluster.bean(leader, ScheduledOnceJobs.class);
      List<JobRun> history = jobs.history("tick");
      List<ClusterApp.Run> runs = List.copyOf(ClusterApp.RUNS);
      Map<Long, List<ClusterApp.Run>> runsBySlot =
          runs.stream().collect(Collectors.groupingBy(ClusterApp.Run::slot));

      assertThat(runsBySlot.values())
          .as("no slot ran twice (misfire = SKIP)")
          .allSatisfy(r -> assertThat(r).hasSize(1));
      assertThat(ClusterApp.DOWNSTREAM.acceptedBySlot().values())
          .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));

      Map<Long, JobRun> claims =
          history.stream()
              .filter(r -> r.claimIndex() > 0)
              .collect(Collectors.toMap(r -> r.slot().toEpochMilli(), Function.identity()));
      for (ClusterApp.Run run : runs) {
        JobRun claim = claims.get(run.slot());
        assertThat(claim).as("run of slot %d was claimed through the log", run.slot()).isNotNull();
        assertThat(claim.claimIndex()).isEqualTo(run.claimIndex());
        assertThat(claim.term()).isEqualTo(run.term());
        assertThat(claim.node()).isEqualTo(run.node());
      }
      List<JobRun> succeeded =
          history.stream().filter(r -> r.outcome() == JobRun.Outcome.SUCCEEDED).toList();
      assertThat(succeeded)
          .allSatisfy(r -> assertThat(runsBySlot.get(r.slot().toEpochMilli())).hasSize(1));
      assertThat(succeeded).as("slots run across the leader changes").hasSizeGreaterThan(15);
      assertThat(runs.stream().map(ClusterApp.Run::node).distinct().count())
          .as("runs happened on more than one leader")
          .isGreaterThan(1);
      // Every node applied the same history.
      for (long id = 1; id <= 3; id++) {
        ScheduledOnceJobs other = cluster.bean(id, ScheduledOnceJobs.class);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(other.history("tick").subList(0, history.size() - 2))
                        .isEqualTo(history.subList(0, history.size() - 2)));
      }
    }
  }
}
