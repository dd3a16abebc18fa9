package dev.raftboot.spring.autoconfigure;

import dev.raftboot.node.RaftGroupMetrics;
import dev.raftboot.spring.RaftGroupOpenedListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers every group's meters ({@code raft.*}, tagged by group) with the application's {@link
 * MeterRegistry}, when Micrometer is present.
 */
@AutoConfiguration(
    after = RaftAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "raft.enabled", matchIfMissing = true)
public class RaftMetricsAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "raftGroupMeters")
  RaftGroupOpenedListener raftGroupMeters(ObjectProvider<MeterRegistry> registries) {
    return group -> registries.orderedStream().forEach(new RaftGroupMetrics(group)::bindTo);
  }
}
