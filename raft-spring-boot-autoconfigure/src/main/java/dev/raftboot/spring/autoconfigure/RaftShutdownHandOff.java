package dev.raftboot.spring.autoconfigure;

import dev.raftboot.spring.RaftRuntime;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Hands this node's leaderships to other voters as soon as the application starts shutting down,
 * before any lifecycle stops: peers (and an application-owned gRPC server carrying peer traffic)
 * are still up, so the hand-off takes a round trip instead of an election timeout.
 */
class RaftShutdownHandOff implements ApplicationListener<ContextClosedEvent> {
  private final RaftRuntime runtime;

  RaftShutdownHandOff(RaftRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    runtime.prepareShutdown();
  }
}
