package dev.raftboot.spring;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.node.FencingToken;
import dev.raftboot.node.GroupOptions;
import dev.raftboot.node.LeadershipListener;
import dev.raftboot.node.RaftGroup;
import dev.raftboot.node.RaftServer;
import dev.raftboot.proto.ConfState;
import dev.raftboot.transport.PeerAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The node's Raft side inside a Spring application: the {@link RaftServer} and the groups it runs
 * for {@link RaftStateMachine} beans (and for the starter's own scheduler). Starts before the web
 * server reports ready and stops after it stopped taking requests; leaders hand their leadership
 * over when the context starts closing ({@link #prepareShutdown()}), while peers are still
 * reachable.
 */
public final class RaftRuntime implements SmartLifecycle {
  /** Starts before, and stops after, Spring Boot's web server (whose phases are higher). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(RaftRuntime.class);

  /** What a group is opened with. */
  public record GroupSetup(
      ConfState initialVoters, GroupOptions options, RaftConfig.Builder raft) {}

  private final RaftServer server;
  private final Map<Long, PeerAddress> addresses;
  private final Function<String, GroupSetup> setups;
  private final ApplicationEventPublisher events;
  private final List<RaftGroupOpenedListener> openedListeners;
  private final Duration shutdownGrace;
  private final Map<String, RaftGroupDefinition> definitions = new ConcurrentHashMap<>();
  private volatile boolean running;

  public RaftRuntime(
      RaftServer server,
      Map<Long, PeerAddress> addresses,
      Function<String, GroupSetup> setups,
      ApplicationEventPublisher events,
      List<RaftGroupOpenedListener> openedListeners,
      Duration shutdownGrace) {
    this.server = server;
    this.addresses = Map.copyOf(addresses);
    this.setups = setups;
    this.events = events;
    this.openedListeners = List.copyOf(openedListeners);
    this.shutdownGrace = shutdownGrace;
  }

  /**
   * Adds a group to run. Groups are opened when the runtime starts.
   *
   * @throws IllegalStateException if the runtime already started or the name is taken
   */
  public synchronized void define(RaftGroupDefinition definition) {
    if (running) {
      throw new IllegalStateException("groups must be defined before the Raft runtime starts");
    }
    RaftGroupDefinition previous = definitions.putIfAbsent(definition.name(), definition);
    if (previous != null) {
      throw new IllegalStateException(
          "two beans define the Raft group '"
              + definition.name()
              + "': "
              + previous.bean().getClass().getName()
              + " and "
              + definition.bean().getClass().getName());
    }
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    server.start();
    for (RaftGroupDefinition def : definitions.values()) {
      GroupSetup setup = setups.apply(def.name());
      RaftGroup group =
          server.group(
              def.name(), def.stateMachine(), setup.initialVoters(), setup.options(), setup.raft());
      group.addListener(new EventBridge(def.name()));
      openedListeners.forEach(l -> l.opened(group));
    }
    running = true;
    log.info("node {}: Raft runtime started with groups {}", server.nodeId(), definitions.keySet());
  }

  /**
   * Prepares a shutdown while peers are still reachable: hands every group this node leads to
   * another voter, all at once (waiting up to the shutdown grace in all), then stops taking inbound
   * peer traffic so that an application-owned gRPC server stops without waiting for peer streams.
   */
  public void prepareShutdown() {
    if (!running) {
      return;
    }
    server.handOffLeadership(shutdownGrace);
    server.refuseInbound();
  }

  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    server.close(shutdownGrace);
    log.info("node {}: Raft runtime stopped", server.nodeId());
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** This node's id. */
  public long nodeId() {
    return server.nodeId();
  }

  /** The server, for what this class does not wrap. */
  public RaftServer server() {
    return server;
  }

  /**
   * The running group {@code name}.
   *
   * @throws IllegalArgumentException if no such group is defined
   * @throws IllegalStateException if the runtime is not running
   */
  public RaftGroup group(String name) {
    definition(name);
    if (!running) {
      throw new IllegalStateException("the Raft runtime is not running");
    }
    return server.group(name);
  }

  /**
   * The definition of group {@code name}.
   *
   * @throws IllegalArgumentException if no such group is defined
   */
  public RaftGroupDefinition definition(String name) {
    RaftGroupDefinition def = definitions.get(name);
    if (def == null) {
      throw new IllegalArgumentException(
          "no Raft group '" + name + "' is defined; defined: " + definitions.keySet());
    }
    return def;
  }

  /** The names of the groups defined. */
  public Set<String> groupNames() {
    return Set.copyOf(definitions.keySet());
  }

  /**
   * The known address of node {@code id}: an initial member's, or one learned when a membership
   * change added the node.
   */
  public Optional<PeerAddress> address(long id) {
    PeerAddress learned = server.membershipDirectory().addresses().get(id);
    return Optional.ofNullable(learned != null ? learned : addresses.get(id));
  }

  /** The leader of {@code group} as this node knows it. */
  public Optional<LeaderInfo> leader(String group) {
    long leader = group(group).status().leaderId();
    return leader == 0
        ? Optional.empty()
        : Optional.of(new LeaderInfo(leader, address(leader).orElse(null)));
  }

  /** Turns a group's leadership callbacks into application events. */
  private final class EventBridge implements LeadershipListener {
    private final String group;

    EventBridge(String group) {
      this.group = group;
    }

    @Override
    public void granted(long term, FencingToken token) {
      events.publishEvent(new LeadershipGrantedEvent(group, term, token));
    }

    @Override
    public void revoked(long term) {
      events.publishEvent(new LeadershipRevokedEvent(group, term));
    }
  }
}
