package dev.raftboot.spring.cluster;

import dev.raftboot.spring.LeadershipGrantedEvent;
import dev.raftboot.spring.LeadershipRevokedEvent;
import dev.raftboot.spring.autoconfigure.CounterStateMachine;
import dev.raftboot.spring.schedule.ScheduledOnce;
import dev.raftboot.spring.schedule.ScheduledOnceContext;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/** The application each node of {@link SpringCluster} runs. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ClusterApp {
  /** Every run of the "tick" job in this JVM, across all nodes, in the order they started. */
  public static final List<Run> RUNS = new CopyOnWriteArrayList<>();

  /** A downstream system that accepts an effect only with a token at least the highest seen. */
  public static final FencedDownstream DOWNSTREAM = new FencedDownstream();

  public record Run(long node, long slot, int attempt, long term, long claimIndex) {}

  @Bean
  CounterStateMachine counter() {
    return new CounterStateMachine();
  }

  @Bean
  Ticker ticker(@Value("${raft.node-id}") long nodeId) {
    return new Ticker(nodeId);
  }

  /** A gRPC service of the application's own: with it, Spring Boot runs its gRPC server. */
  @Bean
  @ConditionalOnBooleanProperty("test.user-grpc-service")
  BindableService userService() {
    return () -> ServerServiceDefinition.builder("test.UserService").build();
  }

  @Bean
  LeadershipEvents leadershipEvents() {
    return new LeadershipEvents();
  }

  /** The cluster-wide job under test. */
  public static class Ticker {
    private final long nodeId;

    Ticker(long nodeId) {
      this.nodeId = nodeId;
    }

    @ScheduledOnce(name = "tick", fixedRate = "${test.tick-rate:200ms}")
    public void tick(ScheduledOnceContext ctx) {
      RUNS.add(
          new Run(
              nodeId,
              ctx.slot().toEpochMilli(),
              ctx.attempt(),
              ctx.fencingToken().term(),
              ctx.fencingToken().index()));
      DOWNSTREAM.accept(ctx.slot().toEpochMilli(), ctx.fencingToken());
    }
  }

  /** Leadership events seen by this node. */
  public static class LeadershipEvents {
    public final List<Object> events = new CopyOnWriteArrayList<>();

    @EventListener
    void granted(LeadershipGrantedEvent e) {
      events.add(e);
    }

    @EventListener
    void revoked(LeadershipRevokedEvent e) {
      events.add(e);
    }
  }
}
