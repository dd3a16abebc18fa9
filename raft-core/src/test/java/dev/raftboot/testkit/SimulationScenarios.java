package dev.raftboot.testkit;

import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.ReadOnlyOption;

/** The scenario mix of the randomized simulation: the seed picks one, so every seed replays. */
final class SimulationScenarios {
  private SimulationScenarios() {}

  static final int COUNT = 7;

  static SimulationOptions forSeed(long seed, int steps) {
    RaftConfig.Builder raft = RaftConfig.builder().id(1).electionTick(6).heartbeatTick(1);
    SimulationOptions.Builder b = SimulationOptions.builder(seed).steps(steps);
    switch ((int) Math.floorMod(seed, (long) COUNT)) {
      case 0 -> b.voters(3).raftConfig(raft.preVote(true).build());
      case 1 -> b.voters(5).raftConfig(raft.preVote(true).checkQuorum(true).build());
      case 2 -> b.voters(3).learners(2).raftConfig(raft.preVote(true).checkQuorum(true).build());
      case 3 -> b.voters(3).raftConfig(raft.preVote(false).checkQuorum(false).build());
      case 4 ->
          b.voters(3)
              .learners(1)
              .raftConfig(
                  raft.preVote(true)
                      .maxSizePerMsg(60)
                      .maxInflightMsgs(2)
                      .maxUncommittedEntriesSize(200)
                      .maxCommittedSizePerReady(100)
                      .build());
      case 5 ->
          // One entry per append and one append in flight: old-term entries replicate on
          // their own, which is what the commit rule of §5.4.2 (Figure 8) guards against.
          b.voters(5)
              .raftConfig(raft.preVote(false).maxSizePerMsg(0).maxInflightMsgs(1).build())
              .weights(
                  ActionWeights.defaults()
                      .with(SimAction.CRASH, 3)
                      .with(SimAction.PARTITION, 3)
                      .with(SimAction.CONF_CHANGE, 0));
      default ->
          b.voters(5)
              .learners(1)
              .minVoters(3)
              .raftConfig(
                  raft.preVote(true).checkQuorum(true).readOnlyOption(ReadOnlyOption.SAFE).build());
    }
    return b.build();
  }

  /**
   * A deposed leader that keeps being asked: five voters, the leader of the newest term now and
   * then cut off from everyone (no healing until the liveness phase, so the others elect and write
   * while it still believes it leads), ten clients that give up after 40 steps, many reads and
   * writes. Check-quorum on odd seeds. Random partitions and heals are off: they mostly heal a
   * partition before its majority has elected anyone, which hides a deposed leader's stale reads.
   */
  static SimulationOptions deposedLeader(long seed, int steps) {
    return SimulationOptions.builder(seed)
        .steps(steps)
        .voters(5)
        .clients(10)
        .clientTimeoutSteps(40)
        .raftConfig(
            RaftConfig.builder()
                .id(1)
                .electionTick(6)
                .heartbeatTick(1)
                .preVote(true)
                .checkQuorum((seed & 1) == 1)
                .build())
        .weights(
            ActionWeights.defaults()
                .with(SimAction.ISOLATE_LEADER, 1)
                .with(SimAction.PARTITION, 0)
                .with(SimAction.PARTITION_ONE_WAY, 0)
                .with(SimAction.HEAL, 0)
                .with(SimAction.PROPOSE, 10)
                .with(SimAction.READ, 10))
        .build();
  }

  static String describe(long seed) {
    return "scenario " + Math.floorMod(seed, (long) COUNT);
  }
}
