package dev.raftboot.testkit;

import dev.raftboot.core.RaftConfig;

/**
 * How a {@link Simulation} runs: cluster shape, Raft settings, how many steps and of what mix.
 * Build with {@link #builder(long)}; every field has a default that makes a useful run.
 *
 * @param seed the only source of randomness of the run
 * @param voters initial voters, ids 1..voters
 * @param learners initial learners, ids voters+1..voters+learners
 * @param minVoters conf changes never leave fewer voters than this
 * @param steps steps with faults before the liveness phase
 * @param livenessTicks bound, in ticks of every node, for electing a leader and committing once
 *     faults stop
 * @param weights how likely each action is
 * @param raftConfig settings of every node; id and random seed are set per node
 * @param checkLinearizability whether to check the client history at the end
 * @param fullCheckInterval steps between the expensive whole-log checks (log matching)
 * @param clients concurrent clients; each has at most one operation outstanding, as in Jepsen,
 *     which keeps the history's concurrency (and the checker's search) bounded
 * @param clientTimeoutSteps steps after which a client gives up on an operation and moves on
 * @param asyncStorageWrites nodes write their Readies in the background ({@link
 *     dev.raftboot.core.RawNode#advanceAsync}): a write becomes durable only at a later {@link
 *     SimAction#PERSIST} step (weight 15 unless set), and a crash loses the writes still in
 *     progress
 * @param leaseReads clients read with lease reads ({@code RawNode.readIndex(ctx, true)}, which a
 *     leader honours with check-quorum on), and a {@link SimAction#TICK} ticks every node that is
 *     up at once, as often per node as a tick of one node otherwise: a lease assumes that the
 *     nodes' clocks run at one rate
 */
public record SimulationOptions(
    long seed,
    int voters,
    int learners,
    int minVoters,
    int steps,
    int livenessTicks,
    ActionWeights weights,
    RaftConfig raftConfig,
    boolean checkLinearizability,
    int fullCheckInterval,
    int clients,
    int clientTimeoutSteps,
    boolean asyncStorageWrites,
    boolean leaseReads) {

  public SimulationOptions {
    if (voters < 1) {
      throw new IllegalArgumentException("voters must be at least 1, was " + voters);
    }
    if (learners < 0) {
      throw new IllegalArgumentException("learners must not be negative, was " + learners);
    }
    if (steps < 0 || livenessTicks < 1 || fullCheckInterval < 1 || clients < 1) {
      throw new IllegalArgumentException("steps, livenessTicks and fullCheckInterval are counts");
    }
  }

  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  public Builder toBuilder() {
    return new Builder(seed)
        .voters(voters)
        .learners(learners)
        .minVoters(minVoters)
        .steps(steps)
        .livenessTicks(livenessTicks)
        .weights(weights)
        .raftConfig(raftConfig)
        .checkLinearizability(checkLinearizability)
        .fullCheckInterval(fullCheckInterval)
        .clients(clients)
        .clientTimeoutSteps(clientTimeoutSteps)
        .asyncStorageWrites(asyncStorageWrites)
        .leaseReads(leaseReads);
  }

  /** Builds {@link SimulationOptions}. */
  public static final class Builder {
    private final long seed;
    private int voters = 3;
    private int learners;
    private int minVoters = 3;
    private int steps = 400;
    private int livenessTicks = 400;
    private ActionWeights weights = ActionWeights.defaults();
    private RaftConfig raftConfig =
        RaftConfig.builder().id(1).electionTick(10).heartbeatTick(2).preVote(true).build();
    private boolean checkLinearizability = true;
    private int fullCheckInterval = 25;
    private int clients = 5;
    private int clientTimeoutSteps = 150;
    private boolean asyncStorageWrites;
    private boolean leaseReads;

    private Builder(long seed) {
      this.seed = seed;
    }

    public Builder voters(int voters) {
      this.voters = voters;
      return this;
    }

    public Builder learners(int learners) {
      this.learners = learners;
      return this;
    }

    public Builder minVoters(int minVoters) {
      this.minVoters = minVoters;
      return this;
    }

    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    public Builder livenessTicks(int livenessTicks) {
      this.livenessTicks = livenessTicks;
      return this;
    }

    public Builder weights(ActionWeights weights) {
      this.weights = weights;
      return this;
    }

    public Builder raftConfig(RaftConfig raftConfig) {
      this.raftConfig = raftConfig;
      return this;
    }

    public Builder checkLinearizability(boolean checkLinearizability) {
      this.checkLinearizability = checkLinearizability;
      return this;
    }

    public Builder fullCheckInterval(int fullCheckInterval) {
      this.fullCheckInterval = fullCheckInterval;
      return this;
    }

    public Builder clients(int clients) {
      this.clients = clients;
      return this;
    }

    public Builder clientTimeoutSteps(int clientTimeoutSteps) {
      this.clientTimeoutSteps = clientTimeoutSteps;
      return this;
    }

    public Builder asyncStorageWrites(boolean asyncStorageWrites) {
      this.asyncStorageWrites = asyncStorageWrites;
      return this;
    }

    public Builder leaseReads(boolean leaseReads) {
      this.leaseReads = leaseReads;
      return this;
    }

    public SimulationOptions build() {
      ActionWeights effective = weights;
      if (asyncStorageWrites && weights.weight(SimAction.PERSIST) == 0) {
        effective = weights.with(SimAction.PERSIST, 15);
      }
      return new SimulationOptions(
          seed,
          voters,
          learners,
          Math.min(minVoters, voters),
          steps,
          livenessTicks,
          effective,
          raftConfig,
          checkLinearizability,
          fullCheckInterval,
          clients,
          clientTimeoutSteps,
          asyncStorageWrites,
          leaseReads);
    }
  }
}
