package dev.raftboot.spring.autoconfigure;

import dev.raftboot.node.DataDirectoryMismatchException;
import dev.raftboot.node.RaftServer;
import dev.raftboot.spring.CommandCodecFactory;
import dev.raftboot.spring.JacksonCommandCodecFactory;
import dev.raftboot.spring.Leadership;
import dev.raftboot.spring.RaftGroupOpenedListener;
import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.RaftTemplate;
import dev.raftboot.spring.schedule.ScheduledOnceJobs;
import dev.raftboot.storage.StoreLockedException;
import dev.raftboot.transport.PeerAddress;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs this application as a node of a Raft cluster: a {@link RaftServer} configured from {@code
 * raft.*}, a Raft group per {@link dev.raftboot.spring.RaftStateMachine} bean, the {@link
 * RaftTemplate} and {@link Leadership} beans, and leadership events. Every bean backs off when the
 * application defines its own; {@code raft.enabled=false} turns it all off.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
    beforeName = "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration")
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftProperties.class)
@Import(RaftAutoConfiguration.GrpcServerPeerTransport.class)
public class RaftAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  RaftNodeSettings raftNodeSettings(RaftProperties properties) {
    return RaftNodeSettings.of(properties);
  }

  @Bean
  @ConditionalOnMissingBean
  RaftRuntime raftRuntime(
      RaftServer server,
      RaftNodeSettings settings,
      ApplicationEventPublisher events,
      ObjectProvider<RaftGroupOpenedListener> openedListeners) {
    Map<Long, PeerAddress> addresses =
        settings.members().values().stream().collect(Collectors.toMap(Member::id, Member::address));
    return new RaftRuntime(
        server,
        addresses,
        name ->
            new RaftRuntime.GroupSetup(
                settings.initialVoters(), settings.groupOptions(name), settings.raftConfig(name)),
        events,
        openedListeners.orderedStream().toList(),
        settings.properties().getShutdownTransferTimeout());
  }

  @Bean
  @ConditionalOnMissingBean
  static RaftStateMachineRegistrar raftStateMachineRegistrar() {
    return new RaftStateMachineRegistrar();
  }

  @Bean
  @ConditionalOnMissingBean
  RaftShutdownHandOff raftShutdownHandOff(RaftRuntime runtime) {
    return new RaftShutdownHandOff(runtime);
  }

  @Bean
  @ConditionalOnMissingBean
  RaftTemplate raftTemplate(RaftRuntime runtime) {
    return new RaftTemplate(runtime);
  }

  @Bean
  @ConditionalOnMissingBean
  Leadership raftLeadership(RaftRuntime runtime) {
    return new Leadership(runtime);
  }

  /** {@code @ScheduledOnce} methods, each scheduler group a Raft group of its own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "raft.scheduler.enabled", matchIfMissing = true)
  static class SchedulerConfiguration {
    @Bean
    @ConditionalOnMissingBean
    static ScheduledOnceJobs scheduledOnceJobs(Environment environment) {
      // A bean post-processor is created before configuration properties beans: bind directly.
      RaftProperties p =
          Binder.get(environment).bind("raft", RaftProperties.class).orElseGet(RaftProperties::new);
      if (p.getScheduler().getMaxCatchUp() < 1) {
        throw new RaftConfigurationException(
            "raft.scheduler.max-catch-up",
            "must be at least 1, was " + p.getScheduler().getMaxCatchUp(),
            "Set raft.scheduler.max-catch-up to 1 or more (the default is 100); to run no missed"
                + " slot at all, use catchUp = NONE on the job.");
      }
      return new ScheduledOnceJobs(
          p.getScheduler().getGroup(),
          p.getScheduler().getHistorySize(),
          p.getScheduler().getMaxCatchUp(),
          p.getTickInterval(),
          Clock.systemUTC());
    }
  }

  /** Commands as JSON through the application's Jackson, when it has one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JsonMapper.class)
  static class JacksonCodecConfiguration {
    @Bean
    @ConditionalOnMissingBean
    CommandCodecFactory raftCommandCodecFactory(ObjectProvider<JsonMapper> mapper) {
      return new JacksonCommandCodecFactory(mapper.getIfAvailable(JsonMapper::new));
    }
  }

  /**
   * The node's server. Peer traffic goes on the application's own gRPC server when {@link
   * GrpcServerPeerTransport} applies, otherwise on a port of its own ({@code raft.transport.port}).
   * Closed by {@link RaftRuntime#stop()}, leadership handed over first; the bean factory closes it
   * too (then a no-op), which matters when the context fails to start: the store's lock on the data
   * directory is released instead of held until the JVM exits.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  RaftServer raftServer(RaftNodeSettings settings, ListableBeanFactory beans) {
    return createServer(settings, beans.containsBeanDefinition(PEER_SERVICE_BEAN));
  }

  static final String PEER_SERVICE_BEAN = "raftPeerService";

  /**
   * Peer traffic on the application's own gRPC server, when it runs one (it has gRPC services of
   * its own and Spring Boot's gRPC server support is present and enabled).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.grpc.server.GrpcServerFactory")
  @ConditionalOnBean(io.grpc.BindableService.class)
  @ConditionalOnBooleanProperty(name = "spring.grpc.server.enabled", matchIfMissing = true)
  @ConditionalOnBooleanProperty(name = "raft.transport.use-grpc-server", matchIfMissing = true)
  static class GrpcServerPeerTransport {
    @Bean(PEER_SERVICE_BEAN)
    @ConditionalOnMissingBean(name = PEER_SERVICE_BEAN)
    io.grpc.BindableService raftPeerService(ObjectProvider<RaftServer> server) {
      return () -> server.getObject().peerService();
    }
  }

  static RaftServer createServer(RaftNodeSettings settings, boolean externalServer) {
    RaftProperties p = settings.properties();
    try {
      return RaftServer.create(
          settings.serverConfig(externalServer),
          transport ->
              transport
                  .externalServer(externalServer)
                  .ioThreads(p.getTransport().getIoThreads())
                  .maxInboundMessageBytes(
                      (int)
                          Math.min(
                              Integer.MAX_VALUE,
                              p.getTransport().getMaxInboundMessageSize().toBytes())));
    } catch (StoreLockedException e) {
      throw new RaftConfigurationException(
          "raft.data-dir",
          "the data directory " + p.getDataDir().toAbsolutePath() + " is in use: " + e.getMessage(),
          "Stop the other process using it, or give this node its own raft.data-dir.",
          e);
    } catch (DataDirectoryMismatchException e) {
      throw new RaftConfigurationException(
          "raft.data-dir",
          e.getMessage() + " (this node: raft.node-id=" + p.getNodeId() + ")",
          "Give this node its own raft.data-dir, or correct raft.node-id or raft.cluster-id. Never"
              + " copy a data directory to another node: it holds that node's votes.",
          e);
    }
  }
}
