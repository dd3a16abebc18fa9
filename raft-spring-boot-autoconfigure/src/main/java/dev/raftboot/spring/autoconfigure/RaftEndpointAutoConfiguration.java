package dev.raftboot.spring.autoconfigure;

import dev.raftboot.spring.RaftRuntime;
import dev.raftboot.spring.actuate.RaftEndpoint;
import dev.raftboot.spring.schedule.ScheduledOnceJobs;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code raft} actuator endpoint, when the application has the actuator and exposes it. */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(RaftRuntime.class)
@ConditionalOnAvailableEndpoint(RaftEndpoint.class)
public class RaftEndpointAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  RaftEndpoint raftEndpoint(
      RaftRuntime runtime, ObjectProvider<ScheduledOnceJobs> jobs, RaftProperties properties) {
    return new RaftEndpoint(
        runtime,
        jobs.getIfAvailable(),
        properties.getActuator().getWriteRole(),
        properties.getProposalTimeout(),
        properties.getActuator().getHistoryShown());
  }
}
