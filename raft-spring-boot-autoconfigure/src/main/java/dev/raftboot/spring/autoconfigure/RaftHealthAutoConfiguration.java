package dev.raftboot.spring.autoconfigure;

import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.actuate.RaftHealthContributor;
import dev.raftboot.spring.actuate.RaftReadinessMonitor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * The {@code raft} health contributor (per group) and readiness tied to being caught up, when the
 * application has Spring Boot's health support; off with {@code
 * management.health.raft.enabled=false}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(RaftRuntime.class)
@ConditionalOnEnabledHealthIndicator("raft")
public class RaftHealthAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "raftHealthContributor")
  RaftHealthContributor raftHealthContributor(RaftRuntime runtime, RaftProperties properties) {
    return new RaftHealthContributor(runtime, properties.getHealth().getMaxApplyLag());
  }

  @Bean
  @ConditionalOnMissingBean
  RaftReadinessMonitor raftReadinessMonitor(
      RaftHealthContributor health, RaftProperties properties) {
    return new RaftReadinessMonitor(health, properties.getHealth().getReadinessInterval());
  }
}
