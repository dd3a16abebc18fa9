package dev.raftboot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.node.RaftServer;
import dev.raftboot.spring.CommandCodec;
import dev.raftboot.spring.CommandCodecFactory;
import dev.raftboot.spring.JacksonCommandCodecFactory;
import dev.raftboot.spring.Leadership;
import dev.raftboot.spring.LeadershipGrantedEvent;
import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.RaftTemplate;
import dev.raftboot.spring.ReadConsistency;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Every branch of {@link RaftAutoConfiguration}, on a single-node cluster. */
class RaftAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(JacksonAutoConfiguration.class, RaftAutoConfiguration.class))
        .withPropertyValues(
            "raft.node-id=1",
            "raft.transport.port=0",
            "raft.transport.bind-host=127.0.0.1",
            "raft.data-dir=" + dir,
            "raft.tick-interval=20ms");
  }

  @Test
  void singleNodeRunsATypedGroupWithJsonCommands() {
    runner()
        .withUserConfiguration(CounterConfig.class)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).hasSingleBean(RaftServer.class);
              assertThat(ctx).hasSingleBean(RaftTemplate.class);
              assertThat(ctx).hasSingleBean(Leadership.class);
              assertThat(ctx.getBean(CommandCodecFactory.class))
                  .isInstanceOf(JacksonCommandCodecFactory.class);
              RaftTemplate raft = ctx.getBean(RaftTemplate.class);
              await().until(() -> raft.isLeader("counter"));
              Long total = raft.<Long>submit("counter", new CounterStateMachine.Add(5)).get();
              assertThat(total).isEqualTo(5);
              Long read = raft.read("counter", (CounterStateMachine c) -> c.total()).get();
              assertThat(read).isEqualTo(5);
              assertThat(
                      raft.read(
                              "counter",
                              ReadConsistency.LEASE,
                              (CounterStateMachine c) -> c.total())
                          .get())
                  .isEqualTo(5);
              assertThat(raft.fencingToken("counter")).isPresent();
              assertThat(raft.leader("counter"))
                  .hasValueSatisfying(l -> assertThat(l.id()).isEqualTo(1));
              assertThat(ctx.getBean(Events.class).granted)
                  .singleElement()
                  .satisfies(e -> assertThat(e.group()).isEqualTo("counter"));
            });
  }

  @Test
  void disabledTurnsEverythingOff() {
    runner()
        .withUserConfiguration(CounterConfig.class)
        .withPropertyValues("raft.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).doesNotHaveBean(RaftServer.class);
              assertThat(ctx).doesNotHaveBean(RaftRuntime.class);
              assertThat(ctx).doesNotHaveBean(RaftTemplate.class);
            });
  }

  @Test
  void userBeansWin() {
    runner()
        .withUserConfiguration(CounterConfig.class, CustomBeans.class)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(RaftTemplate.class)).isSameAs(CustomBeans.TEMPLATE);
              assertThat(ctx.getBean(CommandCodecFactory.class)).isSameAs(CustomBeans.CODECS);
              RaftTemplate raft = ctx.getBean(RaftTemplate.class);
              await().until(() -> raft.isLeader("counter"));
              raft.submit("counter", new CounterStateMachine.Add(3)).get();
              // The custom codec encoded the command as plain text.
              assertThat(CustomBeans.encoded).contains("3");
            });
  }

  @Test
  void withoutJacksonTypedGroupsNeedACodecBean() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class))
        .withClassLoader(
            new org.springframework.boot.test.context.FilteredClassLoader("tools.jackson"))
        .withPropertyValues("raft.node-id=1", "raft.transport.port=0", "raft.data-dir=" + dir)
        .withUserConfiguration(CounterConfig.class)
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("no CommandCodecFactory bean"));
  }

  @Test
  void aSecondNodeOnTheSameDataDirFailsNamingTheProperty() {
    runner()
        .withUserConfiguration(CounterConfig.class)
        .run(
            first -> {
              assertThat(first).hasNotFailed();
              runner()
                  .withUserConfiguration(CounterConfig.class)
                  .run(
                      second ->
                          assertThat(
                                  new RaftConfigurationFailureAnalyzer()
                                      .analyze(second.getStartupFailure())
                                      .getDescription())
                              .contains("'raft.data-dir'")
                              .contains("in use"));
              assertThat(first.getBean(RaftRuntime.class).isRunning()).isTrue();
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class CounterConfig {
    @Bean
    CounterStateMachine counter() {
      return new CounterStateMachine();
    }

    @Bean
    Events events() {
      return new Events();
    }
  }

  static class Events {
    final List<LeadershipGrantedEvent> granted = new CopyOnWriteArrayList<>();

    @EventListener
    void on(LeadershipGrantedEvent e) {
      granted.add(e);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class CustomBeans {
    static RaftTemplate TEMPLATE;
    static volatile String encoded = "";
    static final CommandCodecFactory CODECS =
        new CommandCodecFactory() {
          @Override
          @SuppressWarnings("unchecked")
          public <C> CommandCodec<C> codecFor(Class<C> type) {
            return (CommandCodec<C>)
                new CommandCodec<CounterStateMachine.Add>() {
                  @Override
                  public byte[] encode(CounterStateMachine.Add command) {
                    encoded = Long.toString(command.amount());
                    return encoded.getBytes(StandardCharsets.UTF_8);
                  }

                  @Override
                  public CounterStateMachine.Add decode(byte[] bytes) {
                    return new CounterStateMachine.Add(
                        Long.parseLong(new String(bytes, StandardCharsets.UTF_8)));
                  }
                };
          }
        };

    @Bean
    CommandCodecFactory codecs() {
      return CODECS;
    }

    @Bean
    RaftTemplate raftTemplate(RaftRuntime runtime) {
      TEMPLATE = new RaftTemplate(runtime);
      return TEMPLATE;
    }
  }
}
