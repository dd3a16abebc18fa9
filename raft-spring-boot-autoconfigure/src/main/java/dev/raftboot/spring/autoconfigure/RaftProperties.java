package dev.raftboot.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of Raft Boot under raft.: who this node is, who its peers are, where its data
 * lives, timing, snapshots, transport and TLS, and per-group overrides.
 */
@ConfigurationProperties(prefix = "raft")
public class RaftProperties {

  /** Whether Raft Boot runs at all; false turns the whole auto-configuration off. */
  private boolean enabled = true;

  /** This node's id: a positive number, unique in the cluster and never reused. */
  private Long nodeId;

  /**
   * Identifies the cluster; traffic from nodes of another cluster is refused, so two clusters on
   * one network never mix.
   */
  private String clusterId = "raft-boot";

  /**
   * The initial members as "id=host:port" entries (this node included), e.g.
   * "1=10.0.0.1:7070,2=10.0.0.2:7070,3=10.0.0.3:7070". Used to bootstrap a new cluster and to reach
   * the peers; empty means a single-node cluster of this node alone.
   */
  private List<String> members = new ArrayList<>();

  /**
   * The address peers reach this node at ("host:port"). Defaults to this node's entry in
   * raft.members.
   */
  private String advertisedAddress;

  /**
   * Whether this node joins an existing cluster instead of forming one with raft.members: its
   * groups start empty and wait until a member adds it (raft endpoint "add-learner", then
   * "promote"). Only matters the first time; afterwards the node restarts from its data directory.
   */
  private boolean join = false;

  /** Where the log (RocksDB) and snapshot files live; created if missing, must be writable. */
  private Path dataDir = Path.of("raft-data");

  /** Wall-clock length of one Raft tick. */
  private Duration tickInterval = Duration.ofMillis(100);

  /**
   * Ticks without hearing from a leader before a follower starts an election (randomized in
   * [election-ticks, 2 * election-ticks)). Must be greater than heartbeat-ticks.
   */
  private int electionTicks = 10;

  /** Ticks between a leader's heartbeats. */
  private int heartbeatTicks = 1;

  /**
   * Whether a node checks it could win (pre-vote) before disrupting the cluster with an election.
   */
  private boolean preVote = true;

  /**
   * Whether a leader steps down when it has not heard from a quorum for an election timeout;
   * required for lease-based reads.
   */
  private boolean checkQuorum = true;

  /**
   * How linearizable reads confirm leadership: "safe" (a heartbeat round per batch of reads) or
   * "lease-based" (the leader's lease; relies on bounded clock drift, needs check-quorum).
   */
  private ReadMode readMode = ReadMode.SAFE;

  /**
   * Ticks of every leader lease kept in hand, for lease reads: the lease ends this many ticks
   * before the voters that granted it may vote for someone else. One covers tick granularity; each
   * further tick tolerates the nodes' clocks running apart by one tick per election timeout (2 at
   * 10 election ticks: 10%). At least 2, and less than election-ticks.
   */
  private int leaseMarginTicks = 2;

  /** How long a proposal, read or membership change may wait for its answer. */
  private Duration proposalTimeout = Duration.ofSeconds(5);

  /** Unacknowledged append messages in flight to one follower. */
  private int maxInflight = 256;

  /** Largest append message sent to a follower (entries beyond it go in the next message). */
  private DataSize maxMessageSize = DataSize.ofMegabytes(1);

  /** Threads that run all groups' raft loops; 0 means one per available core (at least 2). */
  private int threads = 0;

  /**
   * Threads that run all groups' state machines and leadership listeners, apart from the raft loops
   * so that a state machine that blocks never holds up heartbeats; 0 means as many as {@code
   * threads}.
   */
  private int applyThreads = 0;

  /**
   * How long a node that shuts down waits for the leadership of the groups it leads to pass to
   * caught-up followers (all groups at once; for each, the follower connected longest) before it
   * stops anyway.
   */
  private Duration shutdownTransferTimeout = Duration.ofSeconds(5);

  private final Snapshot snapshot = new Snapshot();

  @NestedConfigurationProperty
  private final RaftTransportProperties transport = new RaftTransportProperties();

  @NestedConfigurationProperty private final RaftTlsProperties tls = new RaftTlsProperties();

  @NestedConfigurationProperty
  private final RaftSchedulerProperties scheduler = new RaftSchedulerProperties();

  private final Health health = new Health();
  private final Actuator actuator = new Actuator();

  /** Overrides of timing, reads and snapshots for one group, by group name. */
  private Map<String, RaftGroupProperties> groups = new LinkedHashMap<>();

  /** How a linearizable read confirms that the node it asks still leads. */
  public enum ReadMode {
    /** A heartbeat round confirms leadership (thesis 6.4); no clock assumption. */
    SAFE,
    /** The leader's lease (thesis 6.4.1); faster, assumes bounded clock drift. */
    LEASE_BASED
  }

  /** When a group snapshots its state machine and compacts its log. */
  public static class Snapshot {
    /** Applied entries between snapshots. */
    private long everyEntries = 10_000;

    /** Entries kept behind a snapshot, so slightly lagging followers catch up from the log. */
    private long keepEntries = 1_000;

    /**
     * Bytes of applied entries (their payloads) that make a snapshot due even before every-entries
     * entries have applied, so a group with large entries keeps a bounded log.
     */
    private DataSize everyBytes = DataSize.ofMegabytes(64);

    public long getEveryEntries() {
      return everyEntries;
    }

    public void setEveryEntries(long everyEntries) {
      this.everyEntries = everyEntries;
    }

    public long getKeepEntries() {
      return keepEntries;
    }

    public void setKeepEntries(long keepEntries) {
      this.keepEntries = keepEntries;
    }

    public DataSize getEveryBytes() {
      return everyBytes;
    }

    public void setEveryBytes(DataSize everyBytes) {
      this.everyBytes = everyBytes;
    }
  }

  /** The raft health contributor and readiness. */
  public static class Health {
    /** Applied-index lag behind the commit index above which a group reports OUT_OF_SERVICE. */
    private long maxApplyLag = 1_000;

    /** How often readiness is re-checked against the groups' health after start-up. */
    private Duration readinessInterval = Duration.ofSeconds(1);

    public long getMaxApplyLag() {
      return maxApplyLag;
    }

    public void setMaxApplyLag(long maxApplyLag) {
      this.maxApplyLag = maxApplyLag;
    }

    public Duration getReadinessInterval() {
      return readinessInterval;
    }

    public void setReadinessInterval(Duration readinessInterval) {
      this.readinessInterval = readinessInterval;
    }
  }

  /**
   * The raft actuator endpoint. Its write operations are off unless
   * management.endpoint.raft.access=unrestricted.
   */
  public static class Actuator {
    /**
     * Role a caller needs for write operations when Spring Security is present; empty lets any
     * authenticated caller.
     */
    private String writeRole = "RAFT_ADMIN";

    /** Most recent runs of each @ScheduledOnce job the endpoint shows. */
    private int historyShown = 10;

    public String getWriteRole() {
      return writeRole;
    }

    public void setWriteRole(String writeRole) {
      this.writeRole = writeRole;
    }

    public int getHistoryShown() {
      return historyShown;
    }

    public void setHistoryShown(int historyShown) {
      this.historyShown = historyShown;
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Long getNodeId() {
    return nodeId;
  }

  public void setNodeId(Long nodeId) {
    this.nodeId = nodeId;
  }

  public String getClusterId() {
    return clusterId;
  }

  public void setClusterId(String clusterId) {
    this.clusterId = clusterId;
  }

  public List<String> getMembers() {
    return members;
  }

  public void setMembers(List<String> members) {
    this.members = members;
  }

  public String getAdvertisedAddress() {
    return advertisedAddress;
  }

  public void setAdvertisedAddress(String advertisedAddress) {
    this.advertisedAddress = advertisedAddress;
  }

  public boolean isJoin() {
    return join;
  }

  public void setJoin(boolean join) {
    this.join = join;
  }

  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Duration getTickInterval() {
    return tickInterval;
  }

  public void setTickInterval(Duration tickInterval) {
    this.tickInterval = tickInterval;
  }

  public int getElectionTicks() {
    return electionTicks;
  }

  public void setElectionTicks(int electionTicks) {
    this.electionTicks = electionTicks;
  }

  public int getHeartbeatTicks() {
    return heartbeatTicks;
  }

  public void setHeartbeatTicks(int heartbeatTicks) {
    this.heartbeatTicks = heartbeatTicks;
  }

  public boolean isPreVote() {
    return preVote;
  }

  public void setPreVote(boolean preVote) {
    this.preVote = preVote;
  }

  public boolean isCheckQuorum() {
    return checkQuorum;
  }

  public void setCheckQuorum(boolean checkQuorum) {
    this.checkQuorum = checkQuorum;
  }

  public ReadMode getReadMode() {
    return readMode;
  }

  public void setReadMode(ReadMode readMode) {
    this.readMode = readMode;
  }

  public int getLeaseMarginTicks() {
    return leaseMarginTicks;
  }

  public void setLeaseMarginTicks(int leaseMarginTicks) {
    this.leaseMarginTicks = leaseMarginTicks;
  }

  public Duration getProposalTimeout() {
    return proposalTimeout;
  }

  public void setProposalTimeout(Duration proposalTimeout) {
    this.proposalTimeout = proposalTimeout;
  }

  public int getMaxInflight() {
    return maxInflight;
  }

  public void setMaxInflight(int maxInflight) {
    this.maxInflight = maxInflight;
  }

  public DataSize getMaxMessageSize() {
    return maxMessageSize;
  }

  public void setMaxMessageSize(DataSize maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  public int getThreads() {
    return threads;
  }

  public void setThreads(int threads) {
    this.threads = threads;
  }

  public int getApplyThreads() {
    return applyThreads;
  }

  public void setApplyThreads(int applyThreads) {
    this.applyThreads = applyThreads;
  }

  public Duration getShutdownTransferTimeout() {
    return shutdownTransferTimeout;
  }

  public void setShutdownTransferTimeout(Duration shutdownTransferTimeout) {
    this.shutdownTransferTimeout = shutdownTransferTimeout;
  }

  public Map<String, RaftGroupProperties> getGroups() {
    return groups;
  }

  public void setGroups(Map<String, RaftGroupProperties> groups) {
    this.groups = groups;
  }

  public Snapshot getSnapshot() {
    return snapshot;
  }

  public RaftTransportProperties getTransport() {
    return transport;
  }

  public RaftTlsProperties getTls() {
    return tls;
  }

  public RaftSchedulerProperties getScheduler() {
    return scheduler;
  }

  public Health getHealth() {
    return health;
  }

  public Actuator getActuator() {
    return actuator;
  }
}
