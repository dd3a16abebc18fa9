package dev.raftboot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.node.RaftServer;
import dev.raftboot.spring.RaftGroupOpenedListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each invalid configuration fails start-up with a report naming the property and the fix. */
class RaftConfigurationFailureTest {
  @TempDir static Path dir;

  static List<Arguments> invalidConfigurations() throws Exception {
    Path file = Files.createTempFile("not-a-dir", ".txt");
    file.toFile().deleteOnExit();
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of(List.of(), "'raft.node-id'", "no node id"));
    cases.add(Arguments.of(List.of("raft.node-id=-3"), "'raft.node-id'", "positive"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=4", "raft.members=1=127.0.0.1:1,2=127.0.0.1:2"),
            "'raft.members'",
            "not among the members"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.members=1=127.0.0.1:1,1=127.0.0.1:2"),
            "'raft.members'",
            "appears more than once"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.members=1-127.0.0.1:1"),
            "'raft.members'",
            "not of the form id=host:port"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.election-ticks=2", "raft.heartbeat-ticks=2"),
            "'raft.election-ticks'",
            "greater than heartbeat-ticks"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.groups.counter.election-ticks=1"),
            "'raft.groups.counter.election-ticks'",
            "greater than heartbeat-ticks"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.data-dir=" + file.resolve("sub")),
            "'raft.data-dir'",
            "cannot create"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.tls.enabled=true"),
            "'raft.tls.certificate'",
            "no file is set"));
    cases.add(
        Arguments.of(
            List.of(
                "raft.node-id=1",
                "raft.tls.enabled=true",
                "raft.tls.certificate=/nonexistent/node.crt"),
            "'raft.tls.certificate'",
            "does not exist"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.check-quorum=false", "raft.read-mode=lease-based"),
            "'raft.read-mode'",
            "need check-quorum"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.scheduler.max-catch-up=0"),
            "'raft.scheduler.max-catch-up'",
            "at least 1"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.apply-threads=-1"),
            "'raft.apply-threads'",
            "must not be negative"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.transport.io-threads=-1"),
            "'raft.transport.io-threads'",
            "must not be negative"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.lease-margin-ticks=1"),
            "'raft.lease-margin-ticks'",
            "must be at least 2"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.snapshot.every-bytes=0"),
            "'raft.snapshot.every-bytes'",
            "must be a positive size"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.groups.blobs.snapshot-every-bytes=0B"),
            "'raft.groups.blobs.snapshot-every-bytes'",
            "must be a positive size"));
    cases.add(
        Arguments.of(
            List.of("raft.node-id=1", "raft.lease-margin-ticks=10"),
            "'raft.lease-margin-ticks'",
            "must be less than raft.election-ticks"));
    cases.add(
        Arguments.of(
            List.of(
                "raft.node-id=1",
                "raft.lease-margin-ticks=5",
                "raft.groups.orders.election-ticks=5"),
            "'raft.lease-margin-ticks'",
            "must be less than raft.groups.orders.election-ticks"));
    String n = "raft.node-id=1";
    List<List<String>> limits =
        List.of(
            List.of("raft.cluster-id=caf\u00e9", "raft.cluster-id", "printable ASCII"),
            List.of("raft.transport.port=70000", "raft.transport.port", "0 to 65535"),
            List.of("raft.transport.bind-host= ", "raft.transport.bind-host", "blank"),
            List.of(
                "raft.transport.max-inbound-message-size=100KB|raft.max-message-size=1KB",
                "raft.transport.max-inbound-message-size",
                "at least 1MB"),
            List.of("raft.snapshot.keep-entries=-1", "raft.snapshot.keep-entries", "at least 0"),
            List.of("raft.snapshot.every-entries=0", "raft.snapshot.every-entries", "at least 1"),
            List.of(
                "raft.groups.counter.snapshot-every-entries=0",
                "raft.groups.counter.snapshot-every-entries",
                "at least 1"),
            List.of(
                "raft.groups.counter.snapshot-keep-entries=-5",
                "raft.groups.counter.snapshot-keep-entries",
                "at least 0"),
            List.of("raft.scheduler.history-size=0", "raft.scheduler.history-size", "at least 1"),
            List.of(
                "raft.health.readiness-interval=0s",
                "raft.health.readiness-interval",
                "positive duration"),
            List.of("raft.health.max-apply-lag=-1", "raft.health.max-apply-lag", "at least 0"),
            List.of("raft.actuator.history-shown=-1", "raft.actuator.history-shown", "at least 0"));
    for (List<String> c : limits) {
      List<String> properties = new ArrayList<>(List.of(n));
      properties.addAll(List.of(c.get(0).split("\\|")));
      cases.add(Arguments.of(properties, "'" + c.get(1) + "'", c.get(2)));
    }
    return cases;
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalidConfigurations")
  void failsStartUpNamingTheProperty(List<String> properties, String property, String problem) {
    List<String> all = new ArrayList<>(properties);
    if (all.stream().noneMatch(p -> p.startsWith("raft.transport.port"))) {
      all.add("raft.transport.port=0");
    }
    if (all.stream().noneMatch(p -> p.startsWith("raft.data-dir"))) {
      all.add("raft.data-dir=" + dir);
    }
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withUserConfiguration(CounterConfig.class)
        .withPropertyValues(all.toArray(String[]::new))
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis analysis =
                  new RaftConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis).as("failure analysis").isNotNull();
              assertThat(analysis.getDescription()).contains(property).contains(problem);
              assertThat(analysis.getAction()).isNotBlank();
            });
  }

  @Test
  void aDataDirectoryOfAnotherNodeFailsStartUpNamingTheProperty() throws Exception {
    Path other = dir.resolve("node-9-data");
    Files.createDirectories(other);
    Files.writeString(other.resolve("identity.properties"), "cluster-id=raft\nnode-id=9\n");
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withUserConfiguration(CounterConfig.class)
        .withPropertyValues("raft.node-id=1", "raft.transport.port=0", "raft.data-dir=" + other)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis analysis =
                  new RaftConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("'raft.data-dir'")
                  .contains("belongs to node 9");
              assertThat(analysis.getAction()).contains("raft.node-id");
            });
  }

  @Test
  void twoBeansForOneGroupFailStartUp() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withUserConfiguration(TwoCounters.class)
        .withPropertyValues("raft.node-id=1", "raft.transport.port=0", "raft.data-dir=" + dir)
        .run(
            ctx -> {
              FailureAnalysis analysis =
                  new RaftConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("@RaftStateMachine(\"counter\")")
                  .contains("two beans define the Raft group 'counter'");
            });
  }

  @Test
  void aGroupNamedLikeAPathFailsStartUp() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withUserConfiguration(DotDotConfig.class)
        .withPropertyValues(
            "raft.node-id=1", "raft.transport.port=0", "raft.data-dir=" + dir.resolve("dotdot"))
        .run(
            ctx -> {
              FailureAnalysis analysis =
                  new RaftConfigurationFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription()).contains("start with a letter or digit");
            });
  }

  @dev.raftboot.spring.RaftStateMachine("..")
  static class DotDot extends CounterStateMachine {}

  /**
   * A context that fails to start after the node's store opened releases the data directory: a
   * second start in the same JVM (a test, a retried start) opens it again.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(classes = {FailsBeforeStart.class, FailsWhileStarting.class})
  void aContextThatFailsToStartReleasesTheDataDirectory(Class<?> failure) {
    Path data = dir.resolve("failed-start-" + failure.getSimpleName());
    String[] properties = {"raft.node-id=1", "raft.transport.port=0", "raft.data-dir=" + data};
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withUserConfiguration(CounterConfig.class, failure)
        .withPropertyValues(properties)
        .run(ctx -> assertThat(ctx).hasFailed());
    RaftProperties p = new RaftProperties();
    p.setNodeId(1L);
    p.setDataDir(data);
    RaftAutoConfiguration.createServer(RaftNodeSettings.of(p), false).close();
  }

  @Configuration(proxyBeanMethods = false)
  static class FailsBeforeStart {
    @Bean
    Object failsOnceTheServerExists(RaftServer server) {
      throw new IllegalStateException("a bean of the application fails");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FailsWhileStarting {
    @Bean
    RaftGroupOpenedListener failsWhenAGroupOpens() {
      return group -> {
        throw new IllegalStateException("a listener fails while the runtime starts");
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class DotDotConfig {
    @Bean
    DotDot dotDot() {
      return new DotDot();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class CounterConfig {
    @Bean
    CounterStateMachine counter() {
      return new CounterStateMachine();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoCounters {
    @Bean
    CounterStateMachine counter() {
      return new CounterStateMachine();
    }

    @Bean
    CounterStateMachine otherCounter() {
      return new CounterStateMachine();
    }
  }
}
