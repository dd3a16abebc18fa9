package dev.raftboot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.spring.RaftTemplate;
import dev.raftboot.spring.actuate.RaftEndpoint;
import dev.raftboot.spring.actuate.RaftHealthContributor;
import dev.raftboot.spring.schedule.ScheduledOnce;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The actuator and metrics branches of the auto-configuration, on a single node. */
class RaftActuatorAndMetricsTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                JacksonAutoConfiguration.class,
                RaftAutoConfiguration.class,
                RaftHealthAutoConfiguration.class,
                RaftEndpointAutoConfiguration.class,
                RaftMetricsAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withPropertyValues(
            "raft.node-id=1",
            "raft.transport.port=0",
            "raft.transport.bind-host=127.0.0.1",
            "raft.data-dir=" + dir,
            "raft.tick-interval=20ms",
            "management.endpoints.web.exposure.include=raft");
  }

  @Test
  void healthEndpointAndMetricsDescribeTheGroups() {
    runner()
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              RaftTemplate raft = ctx.getBean(RaftTemplate.class);
              await().until(() -> raft.isLeader("counter"));
              raft.submit("counter", new CounterStateMachine.Add(2)).get();

              RaftHealthContributor health = ctx.getBean(RaftHealthContributor.class);
              Health counter = health.health("counter");
              assertThat(counter.getStatus()).isEqualTo(Status.UP);
              assertThat(counter.getDetails())
                  .containsEntry("role", "LEADER")
                  .containsEntry("leaderId", 1L)
                  .containsKeys("term", "commitIndex", "appliedIndex", "voters");
              assertThat(health.stream().map(e -> e.name()))
                  .containsExactly("counter", "raft-scheduler");

              RaftEndpoint endpoint = ctx.getBean(RaftEndpoint.class);
              Map<String, Object> body = endpoint.raft();
              assertThat(body).containsEntry("nodeId", 1L);
              @SuppressWarnings("unchecked")
              Map<String, Map<String, Object>> groups =
                  (Map<String, Map<String, Object>>) body.get("groups");
              assertThat(groups.get("counter")).containsEntry("role", "LEADER");
              assertThat(groups.get("counter").get("members").toString())
                  .contains("LEADER")
                  .contains("matchIndex");
              @SuppressWarnings("unchecked")
              Map<String, Map<String, Object>> jobs =
                  (Map<String, Map<String, Object>>) body.get("jobs");
              assertThat(jobs.get("nightly"))
                  .containsEntry("group", "raft-scheduler")
                  .containsEntry("misfire", "SKIP");

              // Spring Security is on this classpath: anonymous callers and callers without the
              // role are refused.
              assertThat(
                      status(endpoint, SecurityContext.NONE, "counter", "promote", 7L, null, null))
                  .isEqualTo(403);
              assertThat(status(endpoint, caller("USER"), "counter", "promote", 7L, null, null))
                  .isEqualTo(403);
              SecurityContext admin = caller("RAFT_ADMIN");
              WebEndpointResponse<Map<String, Object>> unreachable =
                  endpoint.change(admin, "counter", "add-learner", 7L, "127.0.0.1:1", null);
              assertThat(unreachable.getStatus()).isEqualTo(409);
              assertThat(unreachable.getBody().get("error").toString()).contains("UNREACHABLE");
              assertThat(status(endpoint, admin, "counter", "add-learner", 7L, null, null))
                  .as("no address")
                  .isEqualTo(400);
              assertThat(status(endpoint, admin, "counter", "add-learner", 7L, "nonsense", null))
                  .isEqualTo(400);
              assertThat(status(endpoint, admin, "counter", "explode", 7L, null, null))
                  .isEqualTo(400);
              assertThat(status(endpoint, admin, "nope", "remove", 7L, null, null)).isEqualTo(404);
              WebEndpointResponse<Map<String, Object>> transfer =
                  endpoint.change(admin, "counter", "transfer-leadership", 1L, null, null);
              assertThat(transfer.getStatus()).isEqualTo(200);
              assertThat(transfer.getBody().get("result")).isEqualTo(Map.of("leaderId", 1L));
              WebEndpointResponse<Map<String, Object>> notAVoter =
                  endpoint.change(admin, "counter", "transfer-leadership", 8L, null, null);
              assertThat(notAVoter.getStatus()).isEqualTo(409);
              assertThat(notAVoter.getBody().get("error").toString()).contains("not a voter");
              assertThat(status(endpoint, admin, "counter", "promote", null, null, null))
                  .as("no nodeId")
                  .isEqualTo(400);
              long applied = ctx.getBean(RaftTemplate.class).group("counter").appliedIndex();
              WebEndpointResponse<Map<String, Object>> snapshot =
                  endpoint.change(admin, "counter", "snapshot", null, null, null);
              assertThat(snapshot.getStatus()).isEqualTo(200);
              assertThat(snapshot.getBody().get("result"))
                  .isEqualTo(Map.of("snapshotIndex", applied));
              await()
                  .until(
                      () ->
                          ctx.getBean(RaftTemplate.class).group("counter").stats().snapshotsTaken()
                              == 1);
              assertThat(endpoint.group("counter")).containsEntry("lastSnapshotIndex", applied);

              MeterRegistry meters = ctx.getBean(MeterRegistry.class);
              assertThat(meters.get("raft.term").tag("group", "counter").gauge().value())
                  .isPositive();
              assertThat(
                      meters
                          .get("raft.proposals")
                          .tag("group", "counter")
                          .functionCounter()
                          .count())
                  .isGreaterThanOrEqualTo(1);
            });
  }

  // An application without the actuator never parses the actuator auto-configurations: the
  // condition metadata lets Spring Boot filter them out by class first.
  @Test
  void withoutActuatorOrMicrometerTheCoreStillRuns() throws Exception {
    java.util.Properties metadata = new java.util.Properties();
    try (var in =
        getClass().getResourceAsStream("/META-INF/spring-autoconfigure-metadata.properties")) {
      metadata.load(in);
    }
    assertThat(
            metadata.getProperty(
                RaftEndpointAutoConfiguration.class.getName() + ".ConditionalOnClass"))
        .isEqualTo("org.springframework.boot.actuate.endpoint.annotation.Endpoint");
    assertThat(
            metadata.getProperty(
                RaftHealthAutoConfiguration.class.getName() + ".ConditionalOnClass"))
        .isEqualTo("org.springframework.boot.health.contributor.HealthContributor");
    assertThat(
            metadata.getProperty(
                RaftMetricsAutoConfiguration.class.getName() + ".ConditionalOnClass"))
        .isEqualTo("io.micrometer.core.instrument.MeterRegistry");

    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withClassLoader(
            new FilteredClassLoader(
                "org.springframework.boot.actuate",
                "org.springframework.boot.health",
                "io.micrometer"))
        .withPropertyValues(
            "raft.node-id=1",
            "raft.transport.port=0",
            "raft.transport.bind-host=127.0.0.1",
            "raft.data-dir=" + dir)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              RaftTemplate raft = ctx.getBean(RaftTemplate.class);
              await().until(() -> raft.isLeader("counter"));
              assertThat(raft.<Long>submit("counter", new CounterStateMachine.Add(1)).get())
                  .isEqualTo(1);
            });
  }

  @Test
  void theEndpointIsAbsentUnlessExposedAndTheHealthIndicatorCanBeDisabled() {
    runner()
        .withPropertyValues(
            "management.endpoints.web.exposure.include=health",
            "management.health.raft.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).doesNotHaveBean(RaftEndpoint.class);
              assertThat(ctx).doesNotHaveBean(RaftHealthContributor.class);
            });
  }

  private static int status(
      RaftEndpoint endpoint,
      SecurityContext security,
      String group,
      String operation,
      Long nodeId,
      String address,
      Long newNodeId)
      throws Exception {
    return endpoint.change(security, group, operation, nodeId, address, newNodeId).getStatus();
  }

  private static SecurityContext caller(String role) {
    return new SecurityContext() {
      @Override
      public java.security.Principal getPrincipal() {
        return () -> "operator";
      }

      @Override
      public boolean isUserInRole(String r) {
        return r.equals(role);
      }
    };
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    CounterStateMachine counter() {
      return new CounterStateMachine();
    }

    @Bean
    Jobs jobs() {
      return new Jobs();
    }
  }

  static class Jobs {
    @ScheduledOnce(name = "nightly", cron = "0 0 3 * * *", zone = "UTC")
    void nightly() {}
  }
}
