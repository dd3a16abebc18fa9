package dev.raftboot.spring.autoconfigure;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.ReadOnlyOption;
import dev.raftboot.node.GroupOptions;
import dev.raftboot.node.ServerConfig;
import dev.raftboot.proto.ConfState;
import dev.raftboot.transport.PeerAddress;
import dev.raftboot.transport.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;

/**
 * {@link RaftProperties} checked and resolved: every rule a running cluster relies on is checked
 * here, at start-up, and a violation is a {@link RaftConfigurationException} naming the property.
 */
public final class RaftNodeSettings {
  private static final long MIN_INBOUND_BYTES = 1L << 20;

  private final RaftProperties properties;
  private final long nodeId;
  private final Map<Long, Member> members;
  private final PeerAddress advertisedAddress;
  private final TlsConfig tls;

  private RaftNodeSettings(
      RaftProperties properties,
      long nodeId,
      Map<Long, Member> members,
      PeerAddress advertisedAddress,
      TlsConfig tls) {
    this.properties = properties;
    this.nodeId = nodeId;
    this.members = members;
    this.advertisedAddress = advertisedAddress;
    this.tls = tls;
  }

  /**
   * Checks {@code p} and resolves it.
   *
   * @throws RaftConfigurationException naming the first invalid property and the fix
   */
  public static RaftNodeSettings of(RaftProperties p) {
    if (p.getNodeId() == null) {
      throw new RaftConfigurationException(
          "raft.node-id",
          "no node id is set",
          "Set raft.node-id to this node's id, a positive number unique in the cluster"
              + " (for example raft.node-id=1).");
    }
    long nodeId = p.getNodeId();
    if (nodeId <= 0) {
      throw new RaftConfigurationException(
          "raft.node-id", "must be positive, was " + nodeId, "Use a positive node id.");
    }
    requireText(p.getClusterId(), "raft.cluster-id", "Name the cluster, e.g. orders-prod.");
    if (!p.getClusterId().chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      // It travels in a gRPC header, which carries printable ASCII only: anything else would
      // arrive changed, and every peer would refuse this node as one of another cluster.
      throw new RaftConfigurationException(
          "raft.cluster-id",
          "'" + p.getClusterId() + "' has characters outside printable ASCII",
          "Use letters, digits and punctuation, e.g. orders-prod.");
    }
    // Before the advertised address, which falls back to the transport's port.
    checkTransport(p.getTransport());
    Map<Long, Member> members = parseMembers(p.getMembers());
    PeerAddress advertised = advertisedAddress(p, nodeId, members);
    if (members.isEmpty()) {
      members.put(nodeId, new Member(nodeId, advertised));
    } else if (!members.containsKey(nodeId)) {
      throw new RaftConfigurationException(
          "raft.members",
          "this node's id " + nodeId + " is not among the members " + members.keySet(),
          "Add an entry " + nodeId + "=host:port to raft.members, or fix raft.node-id.");
    }
    checkTiming(p);
    checkGroups(p);
    checkDataDir(p.getDataDir());
    return new RaftNodeSettings(p, nodeId, members, advertised, tls(p));
  }

  private static Map<Long, Member> parseMembers(List<String> entries) {
    Map<Long, Member> members = new LinkedHashMap<>();
    for (String entry : entries) {
      Member m;
      try {
        m = Member.parse(entry);
      } catch (IllegalArgumentException e) {
        throw new RaftConfigurationException(
            "raft.members",
            e.getMessage(),
            "Write each member as id=host:port, e.g. raft.members=1=10.0.0.1:7070,2=10.0.0.2:7070.");
      }
      if (members.put(m.id(), m) != null) {
        throw new RaftConfigurationException(
            "raft.members",
            "node id " + m.id() + " appears more than once",
            "Give every member its own node id.");
      }
    }
    return members;
  }

  private static PeerAddress advertisedAddress(
      RaftProperties p, long nodeId, Map<Long, Member> members) {
    if (p.getAdvertisedAddress() != null && !p.getAdvertisedAddress().isBlank()) {
      PeerAddress address;
      try {
        address = PeerAddress.parse(p.getAdvertisedAddress().trim());
      } catch (IllegalArgumentException e) {
        throw new RaftConfigurationException(
            "raft.advertised-address", e.getMessage(), "Write it as host:port.");
      }
      Member self = members.get(nodeId);
      if (self != null && !self.address().equals(address)) {
        throw new RaftConfigurationException(
            "raft.advertised-address",
            address + " differs from this node's entry " + self + " in raft.members",
            "Make raft.advertised-address and this node's raft.members entry agree, or drop one.");
      }
      return address;
    }
    Member self = members.get(nodeId);
    if (self != null) {
      return self.address();
    }
    return new PeerAddress("127.0.0.1", Math.max(1, p.getTransport().getPort()));
  }

  private static void checkTiming(RaftProperties p) {
    positive(p.getTickInterval(), "raft.tick-interval");
    positive(p.getProposalTimeout(), "raft.proposal-timeout");
    positive(p.getShutdownTransferTimeout(), "raft.shutdown-transfer-timeout");
    checkTicks(p.getElectionTicks(), p.getHeartbeatTicks(), "raft.");
    checkLeaseMargin(p.getLeaseMarginTicks(), p.getElectionTicks(), "raft.election-ticks");
    if (p.getReadMode() == RaftProperties.ReadMode.LEASE_BASED && !p.isCheckQuorum()) {
      throw new RaftConfigurationException(
          "raft.read-mode",
          "lease-based reads need check-quorum, which is off",
          "Set raft.check-quorum=true, or use raft.read-mode=safe.");
    }
    if (p.getMaxInflight() < 1) {
      throw new RaftConfigurationException(
          "raft.max-inflight", "must be at least 1, was " + p.getMaxInflight(), "Use e.g. 256.");
    }
    if (p.getMaxMessageSize().toBytes() < 1024) {
      throw new RaftConfigurationException(
          "raft.max-message-size",
          "must be at least 1KB, was " + p.getMaxMessageSize(),
          "Use e.g. 1MB.");
    }
    if (p.getMaxMessageSize().toBytes() >= p.getTransport().getMaxInboundMessageSize().toBytes()) {
      throw new RaftConfigurationException(
          "raft.max-message-size",
          p.getMaxMessageSize()
              + " does not fit in raft.transport.max-inbound-message-size "
              + p.getTransport().getMaxInboundMessageSize(),
          "Keep raft.max-message-size well below raft.transport.max-inbound-message-size.");
    }
    atLeast(p.getSnapshot().getEveryEntries(), 1, "raft.snapshot.every-entries", "10000");
    atLeast(p.getSnapshot().getKeepEntries(), 0, "raft.snapshot.keep-entries", "5000");
    positive(p.getSnapshot().getEveryBytes(), "raft.snapshot.every-bytes");
    if (p.getThreads() < 0) {
      throw new RaftConfigurationException(
          "raft.threads", "must not be negative", "Use 0 for one thread per core.");
    }
    if (p.getApplyThreads() < 0) {
      throw new RaftConfigurationException(
          "raft.apply-threads", "must not be negative", "Use 0 for as many as raft.threads.");
    }
    atLeast(p.getScheduler().getHistorySize(), 1, "raft.scheduler.history-size", "20");
    positive(p.getHealth().getReadinessInterval(), "raft.health.readiness-interval");
    if (p.getHealth().getReadinessInterval().toMillis() < 1) {
      throw new RaftConfigurationException(
          "raft.health.readiness-interval",
          "must be at least 1ms, was " + p.getHealth().getReadinessInterval(),
          "Use e.g. 1s.");
    }
    atLeast(p.getHealth().getMaxApplyLag(), 0, "raft.health.max-apply-lag", "1000");
    atLeast(p.getActuator().getHistoryShown(), 0, "raft.actuator.history-shown", "10");
    if (p.getTransport().getIoThreads() < 0) {
      throw new RaftConfigurationException(
          "raft.transport.io-threads",
          "must not be negative",
          "Use 1, or 0 for gRPC's shared default event loops.");
    }
  }

  private static void checkGroups(RaftProperties p) {
    p.getGroups()
        .forEach(
            (name, g) -> {
              String prefix = "raft.groups." + name + ".";
              int election =
                  g.getElectionTicks() != null ? g.getElectionTicks() : p.getElectionTicks();
              int heartbeat =
                  g.getHeartbeatTicks() != null ? g.getHeartbeatTicks() : p.getHeartbeatTicks();
              checkTicks(election, heartbeat, prefix);
              checkLeaseMargin(
                  p.getLeaseMarginTicks(),
                  election,
                  g.getElectionTicks() != null ? prefix + "election-ticks" : "raft.election-ticks");
              if (g.getProposalTimeout() != null) {
                positive(g.getProposalTimeout(), prefix + "proposal-timeout");
              }
              if (g.getSnapshotEveryEntries() != null) {
                atLeast(g.getSnapshotEveryEntries(), 1, prefix + "snapshot-every-entries", "10000");
              }
              if (g.getSnapshotKeepEntries() != null) {
                atLeast(g.getSnapshotKeepEntries(), 0, prefix + "snapshot-keep-entries", "5000");
              }
              if (g.getSnapshotEveryBytes() != null) {
                positive(g.getSnapshotEveryBytes(), prefix + "snapshot-every-bytes");
              }
              if (g.getReadMode() == RaftProperties.ReadMode.LEASE_BASED && !p.isCheckQuorum()) {
                throw new RaftConfigurationException(
                    prefix + "read-mode",
                    "lease-based reads need check-quorum, which is off",
                    "Set raft.check-quorum=true, or use safe reads for this group.");
              }
            });
  }

  private static void checkTicks(int election, int heartbeat, String prefix) {
    if (heartbeat < 1) {
      throw new RaftConfigurationException(
          prefix + "heartbeat-ticks", "must be at least 1, was " + heartbeat, "Use e.g. 1.");
    }
    if (election <= heartbeat) {
      throw new RaftConfigurationException(
          prefix + "election-ticks",
          "must be greater than heartbeat-ticks ("
              + election
              + " <= "
              + heartbeat
              + "): followers would start elections between a live leader's heartbeats",
          "Set election-ticks to about 10 times heartbeat-ticks.");
    }
  }

  private static void checkLeaseMargin(int margin, int election, String electionProperty) {
    if (margin < 2) {
      throw new RaftConfigurationException(
          "raft.lease-margin-ticks",
          "must be at least 2, was "
              + margin
              + ": one tick covers tick granularity, at least one more the drift between the"
              + " nodes' clocks",
          "Use 2 (the default) or more.");
    }
    if (margin >= election) {
      throw new RaftConfigurationException(
          "raft.lease-margin-ticks",
          "must be less than "
              + electionProperty
              + " ("
              + margin
              + " >= "
              + election
              + "): no lease would ever hold",
          "Lower raft.lease-margin-ticks, or raise " + electionProperty + ".");
    }
  }

  private static void checkDataDir(Path dir) {
    if (dir == null) {
      throw new RaftConfigurationException(
          "raft.data-dir",
          "no data directory is set",
          "Set raft.data-dir to a writable directory.");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException | UncheckedIOException e) {
      throw new RaftConfigurationException(
          "raft.data-dir",
          "cannot create " + dir.toAbsolutePath() + ": " + e,
          "Point raft.data-dir to a directory this process may create and write.",
          e);
    }
    if (!Files.isDirectory(dir) || !Files.isReadable(dir) || !Files.isWritable(dir)) {
      throw new RaftConfigurationException(
          "raft.data-dir",
          dir.toAbsolutePath() + " is not a readable and writable directory",
          "Point raft.data-dir to a directory this process may read and write.");
    }
  }

  private static TlsConfig tls(RaftProperties p) {
    RaftTlsProperties t = p.getTls();
    if (!t.isEnabled()) {
      return null;
    }
    requireFile(t.getCertificate(), "raft.tls.certificate");
    requireFile(t.getPrivateKey(), "raft.tls.private-key");
    requireFile(t.getTrustCertificates(), "raft.tls.trust-certificates");
    return new TlsConfig(
        t.getCertificate(), t.getPrivateKey(), t.getTrustCertificates(), t.isMutual());
  }

  private static void requireFile(Path file, String property) {
    if (file == null) {
      throw new RaftConfigurationException(
          property, "TLS is enabled but no file is set", "Set " + property + " to a PEM file.");
    }
    if (!Files.isReadable(file)) {
      throw new RaftConfigurationException(
          property,
          "the file " + file.toAbsolutePath() + " does not exist or is not readable",
          "Point " + property + " to a readable PEM file, or set raft.tls.enabled=false.");
    }
  }

  private static void positive(Duration d, String property) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new RaftConfigurationException(
          property, "must be a positive duration, was " + d, "Use e.g. 100ms or 5s.");
    }
  }

  private static void positive(DataSize size, String property) {
    if (size == null || size.toBytes() < 1) {
      throw new RaftConfigurationException(
          property, "must be a positive size, was " + size, "Use e.g. 64MB.");
    }
  }

  private static void checkTransport(RaftTransportProperties t) {
    if (t.getPort() < 0 || t.getPort() > 65535) {
      throw new RaftConfigurationException(
          "raft.transport.port",
          "must be a port number (0 to 65535), was " + t.getPort(),
          "Use e.g. 7070, or 0 for any free port.");
    }
    requireText(t.getBindHost(), "raft.transport.bind-host", "Use e.g. 0.0.0.0 or 127.0.0.1.");
    if (t.getMaxInboundMessageSize().toBytes() < MIN_INBOUND_BYTES) {
      throw new RaftConfigurationException(
          "raft.transport.max-inbound-message-size",
          "must be at least 1MB (a snapshot chunk and its framing must fit), was "
              + t.getMaxInboundMessageSize(),
          "Use e.g. 16MB.");
    }
  }

  private static void atLeast(long value, long min, String property, String example) {
    if (value < min) {
      throw new RaftConfigurationException(
          property,
          "must be at least " + min + ", was " + value,
          "Use e.g. " + property + "=" + example + ".");
    }
  }

  private static void requireText(String value, String property, String action) {
    if (value == null || value.isBlank()) {
      throw new RaftConfigurationException(property, "must not be blank", action);
    }
  }

  public long nodeId() {
    return nodeId;
  }

  /** Every initial member, this node included, by id. */
  public Map<Long, Member> members() {
    return Map.copyOf(members);
  }

  /** Where peers reach this node. */
  public PeerAddress advertisedAddress() {
    return advertisedAddress;
  }

  public RaftProperties properties() {
    return properties;
  }

  /**
   * The initial voters of a group created on this node: every member; none when the node joins an
   * existing cluster (raft.join), where it waits to be added.
   */
  public ConfState initialVoters() {
    if (properties.isJoin()) {
      return ConfState.getDefaultInstance();
    }
    return ConfState.newBuilder().addAllVoters(members.keySet()).build();
  }

  /**
   * The configuration of the server hosting the groups.
   *
   * @param externalServer whether peer traffic is served by the application's gRPC server; the
   *     server then describes itself by the advertised address
   */
  public ServerConfig serverConfig(boolean externalServer) {
    Map<Long, PeerAddress> peers = new LinkedHashMap<>();
    members.values().stream()
        .filter(m -> m.id() != nodeId)
        .forEach(m -> peers.put(m.id(), m.address()));
    int threads =
        properties.getThreads() > 0
            ? properties.getThreads()
            : Math.max(2, Runtime.getRuntime().availableProcessors());
    int applyThreads = properties.getApplyThreads() > 0 ? properties.getApplyThreads() : threads;
    return new ServerConfig(
        nodeId,
        properties.getClusterId(),
        externalServer ? advertisedAddress.host() : properties.getTransport().getBindHost(),
        externalServer ? advertisedAddress.port() : properties.getTransport().getPort(),
        peers,
        properties.getDataDir(),
        threads,
        applyThreads,
        tls);
  }

  /** Runtime options of group {@code name}, with its overrides applied. */
  public GroupOptions groupOptions(String name) {
    RaftGroupProperties g = properties.getGroups().getOrDefault(name, new RaftGroupProperties());
    RaftProperties.Snapshot s = properties.getSnapshot();
    return new GroupOptions(
            name,
            properties.getTickInterval(),
            orElse(g.getProposalTimeout(), properties.getProposalTimeout()),
            orElse(g.getSnapshotEveryEntries(), s.getEveryEntries()),
            orElse(g.getSnapshotKeepEntries(), s.getKeepEntries()))
        .withSnapshotEveryBytes(orElse(g.getSnapshotEveryBytes(), s.getEveryBytes()).toBytes());
  }

  /** Raft settings of group {@code name}, with its overrides applied. */
  public RaftConfig.Builder raftConfig(String name) {
    RaftGroupProperties g = properties.getGroups().getOrDefault(name, new RaftGroupProperties());
    RaftProperties.ReadMode mode = orElse(g.getReadMode(), properties.getReadMode());
    return RaftConfig.builder()
        .electionTick(orElse(g.getElectionTicks(), properties.getElectionTicks()))
        .heartbeatTick(orElse(g.getHeartbeatTicks(), properties.getHeartbeatTicks()))
        .preVote(properties.isPreVote())
        .checkQuorum(properties.isCheckQuorum())
        .readOnlyOption(
            mode == RaftProperties.ReadMode.LEASE_BASED
                ? ReadOnlyOption.LEASE_BASED
                : ReadOnlyOption.SAFE)
        .leaseMarginTicks(properties.getLeaseMarginTicks())
        .maxInflightMsgs(properties.getMaxInflight())
        .maxSizePerMsg(properties.getMaxMessageSize().toBytes())
        .stepDownOnRemoval(true);
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
