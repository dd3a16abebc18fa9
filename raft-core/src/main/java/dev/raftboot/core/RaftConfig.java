package dev.raftboot.core;

/**
 * Everything a {@link RawNode} needs to know besides its storage. Immutable; built with {@link
 * #builder()}, which validates every field and names the one that is wrong.
 *
 * <p>Sizes: {@code maxUncommittedEntriesSize} counts entry payload bytes (data only), {@code
 * maxSizePerMsg}, {@code maxCommittedSizePerReady} and {@code maxInflightBytes} count serialized
 * entry bytes. A single entry larger than a limit still goes out alone, so nothing gets stuck.
 */
public final class RaftConfig {
  /** A limit of this value means "no limit". */
  public static final long NO_LIMIT = Long.MAX_VALUE;

  private final long id;
  private final int electionTick;
  private final int heartbeatTick;
  private final long applied;
  private final long maxSizePerMsg;
  private final long maxCommittedSizePerReady;
  private final long maxUncommittedEntriesSize;
  private final int maxInflightMsgs;
  private final long maxInflightBytes;
  private final boolean checkQuorum;
  private final boolean preVote;
  private final ReadOnlyOption readOnlyOption;
  private final int leaseMarginTicks;
  private final boolean freshStart;
  private final boolean disableProposalForwarding;
  private final boolean stepDownOnRemoval;
  private final boolean batchAppend;
  private final long randomSeed;

  private RaftConfig(Builder b) {
    this.id = b.id;
    this.electionTick = b.electionTick;
    this.heartbeatTick = b.heartbeatTick;
    this.applied = b.applied;
    this.maxSizePerMsg = b.maxSizePerMsg;
    this.maxCommittedSizePerReady =
        b.maxCommittedSizePerReady == 0 ? b.maxSizePerMsg : b.maxCommittedSizePerReady;
    this.maxUncommittedEntriesSize =
        b.maxUncommittedEntriesSize == 0 ? NO_LIMIT : b.maxUncommittedEntriesSize;
    this.maxInflightMsgs = b.maxInflightMsgs;
    this.maxInflightBytes = b.maxInflightBytes == 0 ? NO_LIMIT : b.maxInflightBytes;
    this.checkQuorum = b.checkQuorum;
    this.preVote = b.preVote;
    this.readOnlyOption = b.readOnlyOption;
    this.leaseMarginTicks = b.leaseMarginTicks;
    this.freshStart = b.freshStart;
    this.disableProposalForwarding = b.disableProposalForwarding;
    this.stepDownOnRemoval = b.stepDownOnRemoval;
    this.batchAppend = b.batchAppend;
    this.randomSeed = b.randomSeed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with every value of this config, for a variant of it. */
  public Builder toBuilder() {
    return new Builder()
        .id(id)
        .electionTick(electionTick)
        .heartbeatTick(heartbeatTick)
        .applied(applied)
        .maxSizePerMsg(maxSizePerMsg)
        .maxCommittedSizePerReady(maxCommittedSizePerReady)
        .maxUncommittedEntriesSize(maxUncommittedEntriesSize)
        .maxInflightMsgs(maxInflightMsgs)
        .maxInflightBytes(maxInflightBytes)
        .checkQuorum(checkQuorum)
        .preVote(preVote)
        .readOnlyOption(readOnlyOption)
        .leaseMarginTicks(leaseMarginTicks)
        .freshStart(freshStart)
        .disableProposalForwarding(disableProposalForwarding)
        .stepDownOnRemoval(stepDownOnRemoval)
        .batchAppend(batchAppend)
        .randomSeed(randomSeed);
  }

  /** This node's id; never 0 (0 means "none" on the wire). */
  public long id() {
    return id;
  }

  /**
   * Ticks a follower waits without hearing from a leader before it campaigns; the actual timeout is
   * drawn from [electionTick, 2·electionTick) after every reset.
   */
  public int electionTick() {
    return electionTick;
  }

  /** Ticks between the heartbeats a leader sends. */
  public int heartbeatTick() {
    return heartbeatTick;
  }

  /**
   * The last index the state machine had applied when this node restarted; committed entries up to
   * it are not handed out again. 0 means "everything up to the latest snapshot". The configuration
   * storage returns must be the one as of this index (see {@link LogStorage#initialState()}).
   */
  public long applied() {
    return applied;
  }

  public long maxSizePerMsg() {
    return maxSizePerMsg;
  }

  public long maxCommittedSizePerReady() {
    return maxCommittedSizePerReady;
  }

  public long maxUncommittedEntriesSize() {
    return maxUncommittedEntriesSize;
  }

  public int maxInflightMsgs() {
    return maxInflightMsgs;
  }

  public long maxInflightBytes() {
    return maxInflightBytes;
  }

  public boolean checkQuorum() {
    return checkQuorum;
  }

  public boolean preVote() {
    return preVote;
  }

  public ReadOnlyOption readOnlyOption() {
    return readOnlyOption;
  }

  /**
   * Ticks of every leader lease kept in hand: the lease ends this many ticks before the voters that
   * granted it may vote for another leader. One covers a tick count's granularity; each further
   * tick tolerates the nodes' tick rates differing by one tick per election timeout. At {@code
   * electionTick} or more the lease never holds and lease reads are confirmed as safe reads are.
   */
  public int leaseMarginTicks() {
    return leaseMarginTicks;
  }

  /**
   * Whether this node's storage was created for this start (a new group bootstrapped just now), so
   * the node has heard from no leader. Such a node grants votes at once; any other with a persisted
   * term refuses them for its first election timeout, since it may have answered a leader's
   * heartbeats, and so stand in that leader's lease, before it restarted.
   */
  public boolean freshStart() {
    return freshStart;
  }

  public boolean disableProposalForwarding() {
    return disableProposalForwarding;
  }

  public boolean stepDownOnRemoval() {
    return stepDownOnRemoval;
  }

  /**
   * Whether appends to one peer made within one Ready are coalesced into one message (raft-rs's
   * batch_append).
   */
  public boolean batchAppend() {
    return batchAppend;
  }

  public long randomSeed() {
    return randomSeed;
  }

  @Override
  public String toString() {
    return "RaftConfig{id="
        + id
        + ", electionTick="
        + electionTick
        + ", heartbeatTick="
        + heartbeatTick
        + ", applied="
        + applied
        + ", maxSizePerMsg="
        + maxSizePerMsg
        + ", maxCommittedSizePerReady="
        + maxCommittedSizePerReady
        + ", maxUncommittedEntriesSize="
        + maxUncommittedEntriesSize
        + ", maxInflightMsgs="
        + maxInflightMsgs
        + ", maxInflightBytes="
        + maxInflightBytes
        + ", checkQuorum="
        + checkQuorum
        + ", preVote="
        + preVote
        + ", readOnlyOption="
        + readOnlyOption
        + ", leaseMarginTicks="
        + leaseMarginTicks
        + ", freshStart="
        + freshStart
        + ", disableProposalForwarding="
        + disableProposalForwarding
        + ", stepDownOnRemoval="
        + stepDownOnRemoval
        + ", batchAppend="
        + batchAppend
        + ", randomSeed="
        + randomSeed
        + "}";
  }

  /** Builds a {@link RaftConfig}; defaults follow etcd's raft where it has one. */
  public static final class Builder {
    private long id;
    private int electionTick = 10;
    private int heartbeatTick = 1;
    private long applied;
    private long maxSizePerMsg = 1 << 20;
    private long maxCommittedSizePerReady;
    private long maxUncommittedEntriesSize;
    private int maxInflightMsgs = 256;
    private long maxInflightBytes;
    private boolean checkQuorum;
    private boolean preVote;
    private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
    private int leaseMarginTicks = 2;
    private boolean freshStart;
    private boolean disableProposalForwarding;
    private boolean stepDownOnRemoval = true;
    private boolean batchAppend;
    private long randomSeed;

    private Builder() {}

    public Builder id(long id) {
      this.id = id;
      return this;
    }

    public Builder electionTick(int electionTick) {
      this.electionTick = electionTick;
      return this;
    }

    public Builder heartbeatTick(int heartbeatTick) {
      this.heartbeatTick = heartbeatTick;
      return this;
    }

    public Builder applied(long applied) {
      this.applied = applied;
      return this;
    }

    /** Upper bound in serialized entry bytes of one append message; 0 allows one entry. */
    public Builder maxSizePerMsg(long maxSizePerMsg) {
      this.maxSizePerMsg = maxSizePerMsg;
      return this;
    }

    /** Upper bound of committed entry bytes per Ready; 0 means the same as maxSizePerMsg. */
    public Builder maxCommittedSizePerReady(long maxCommittedSizePerReady) {
      this.maxCommittedSizePerReady = maxCommittedSizePerReady;
      return this;
    }

    /** Upper bound of uncommitted payload bytes on a leader; 0 means no limit. */
    public Builder maxUncommittedEntriesSize(long maxUncommittedEntriesSize) {
      this.maxUncommittedEntriesSize = maxUncommittedEntriesSize;
      return this;
    }

    /** Append messages in flight to one follower, unacknowledged, at most. */
    public Builder maxInflightMsgs(int maxInflightMsgs) {
      this.maxInflightMsgs = maxInflightMsgs;
      return this;
    }

    /** Entry bytes in flight to one follower, unacknowledged, at most; 0 means no limit. */
    public Builder maxInflightBytes(long maxInflightBytes) {
      this.maxInflightBytes = maxInflightBytes;
      return this;
    }

    public Builder checkQuorum(boolean checkQuorum) {
      this.checkQuorum = checkQuorum;
      return this;
    }

    public Builder preVote(boolean preVote) {
      this.preVote = preVote;
      return this;
    }

    public Builder readOnlyOption(ReadOnlyOption readOnlyOption) {
      this.readOnlyOption = readOnlyOption;
      return this;
    }

    /** See {@link RaftConfig#leaseMarginTicks()}; at least 2, 2 by default. */
    public Builder leaseMarginTicks(int leaseMarginTicks) {
      this.leaseMarginTicks = leaseMarginTicks;
      return this;
    }

    /** See {@link RaftConfig#freshStart()}; false by default. */
    public Builder freshStart(boolean freshStart) {
      this.freshStart = freshStart;
      return this;
    }

    public Builder disableProposalForwarding(boolean disableProposalForwarding) {
      this.disableProposalForwarding = disableProposalForwarding;
      return this;
    }

    public Builder stepDownOnRemoval(boolean stepDownOnRemoval) {
      this.stepDownOnRemoval = stepDownOnRemoval;
      return this;
    }

    /** Coalesces appends to one peer within a Ready into one message; off by default. */
    public Builder batchAppend(boolean batchAppend) {
      this.batchAppend = batchAppend;
      return this;
    }

    /** Seeds the only source of randomness the core has: election timeout jitter. */
    public Builder randomSeed(long randomSeed) {
      this.randomSeed = randomSeed;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first field whose value is invalid
     */
    public RaftConfig build() {
      require(id != 0, "id", "must not be 0 (0 means \"no node\")");
      require(id > 0, "id", "must be positive, was " + id);
      require(heartbeatTick > 0, "heartbeatTick", "must be positive, was " + heartbeatTick);
      require(
          electionTick > heartbeatTick,
          "electionTick",
          "must be greater than heartbeatTick (" + heartbeatTick + "), was " + electionTick);
      require(applied >= 0, "applied", "must not be negative, was " + applied);
      require(maxSizePerMsg >= 0, "maxSizePerMsg", "must not be negative, was " + maxSizePerMsg);
      require(
          maxCommittedSizePerReady >= 0,
          "maxCommittedSizePerReady",
          "must not be negative, was " + maxCommittedSizePerReady);
      require(
          maxUncommittedEntriesSize >= 0,
          "maxUncommittedEntriesSize",
          "must not be negative, was " + maxUncommittedEntriesSize);
      require(maxInflightMsgs > 0, "maxInflightMsgs", "must be positive, was " + maxInflightMsgs);
      require(
          maxInflightBytes >= 0,
          "maxInflightBytes",
          "must not be negative, was " + maxInflightBytes);
      require(
          maxInflightBytes == 0 || maxInflightBytes >= maxSizePerMsg,
          "maxInflightBytes",
          "must be at least maxSizePerMsg (" + maxSizePerMsg + "), was " + maxInflightBytes);
      require(readOnlyOption != null, "readOnlyOption", "must not be null");
      require(
          readOnlyOption != ReadOnlyOption.LEASE_BASED || checkQuorum,
          "readOnlyOption",
          "LEASE_BASED requires checkQuorum(true): without it a deposed leader could serve"
              + " stale reads");
      require(
          leaseMarginTicks >= 2,
          "leaseMarginTicks",
          "must be at least 2 (a tick of granularity and one of drift between the nodes' ticks),"
              + " was "
              + leaseMarginTicks);
      return new RaftConfig(this);
    }

    private static void require(boolean ok, String field, String problem) {
      if (!ok) {
        throw new IllegalArgumentException("RaftConfig." + field + " " + problem);
      }
    }
  }
}
