package dev.raftboot.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Entry;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Seeded random runs of a five-node cluster with partitions, loss, restarts, compaction and
 * transfers, checking at every step §5.2 election safety (one leader per term) and §5.4.3 state
 * machine safety (no two nodes apply different entries at an index). A failing seed reproduces.
 */
class ClusterFuzzTest {
  private static final boolean TRACE = Boolean.getBoolean("fuzz.trace");

  static java.util.stream.LongStream seeds() {
    Long only = Long.getLong("fuzz.seed");
    if (only != null) {
      return java.util.stream.LongStream.of(only);
    }
    return java.util.stream.LongStream.rangeClosed(1, Long.getLong("fuzz.seeds", 16));
  }

  @ParameterizedTest(name = "seed {0}")
  @org.junit.jupiter.params.provider.MethodSource("seeds")
  void electionSafetyAndStateMachineSafetyHoldUnderFaults(long seed) {
    Random rnd = new Random(seed);
    RaftConfig.Builder base =
        Network.defaults()
            .randomSeed(seed)
            .preVote(rnd.nextBoolean())
            .checkQuorum(rnd.nextBoolean())
            .maxSizePerMsg(rnd.nextBoolean() ? 0 : 1 << 20)
            .maxInflightMsgs(1 + rnd.nextInt(4));
    Network net = Network.of(5, base);
    net.reportDroppedSnapshots = true;
    Map<Long, Long> leaderOfTerm = new HashMap<>();
    Map<Long, Entry> appliedAt = new HashMap<>();
    Map<Long, Integer> checked = new HashMap<>();
    int proposals = 0;
    for (int step = 0; step < 400; step++) {
      int action = rnd.nextInt(100);
      long a = 1 + rnd.nextInt(5);
      long b = 1 + rnd.nextInt(5);
      if (TRACE) {
        System.out.printf("step %d action %d a %d b %d%n", step, action, a, b);
      }
      if (action < 50) {
        net.tickAll(1);
      } else if (action < 70) {
        try {
          net.node(a).raw.propose(("p" + proposals++).getBytes());
        } catch (ProposalDroppedException e) {
          // fine
        }
        net.settle();
      } else if (action < 76) {
        if (a != b) {
          net.cut(a, b);
        }
      } else if (action < 80) {
        net.isolate(a);
      } else if (action < 86) {
        net.recover();
      } else if (action < 89) {
        net.drop(a, b, 0.5);
      } else if (action < 92) {
        net.node(a).restart();
      } else if (action < 93) {
        net.node(a).snapshotAndCompact();
      } else if (action < 95) {
        // Demote or promote one or two members (several changes go through joint consensus).
        dev.raftboot.proto.ConfChangeV2.Builder cc = dev.raftboot.proto.ConfChangeV2.newBuilder();
        cc.addChanges(rnd.nextBoolean() ? MembershipTest.learner(a) : MembershipTest.add(a));
        if (rnd.nextBoolean() && a != b) {
          cc.addChanges(rnd.nextBoolean() ? MembershipTest.learner(b) : MembershipTest.add(b));
        }
        try {
          net.node(a).raw.proposeConfChange(cc.build());
        } catch (ProposalDroppedException | InvalidConfChangeException e) {
          // fine
        }
        net.settle();
      } else if (action < 97) {
        net.node(a).raw.transferLeader(b);
        net.settle();
      } else {
        try {
          net.node(a).raw.readIndex(("r" + step).getBytes());
        } catch (ProposalDroppedException e) {
          // fine
        }
        net.settle();
      }
      if (TRACE) {
        for (TestNode n : net.nodes.values()) {
          Status st = n.status();
          System.out.printf(
              "  n%d %s t%d v%d lead%d commit%d last%d applied%d conf%s%s%n",
              n.id(),
              st.role(),
              st.term(),
              st.vote(),
              st.leaderId(),
              st.commit(),
              st.lastIndex(),
              st.applied(),
              st.confState().getVotersList(),
              (st.confState().getVotersOutgoingList().isEmpty()
                      ? ""
                      : "&" + st.confState().getVotersOutgoingList())
                  + (st.role() == StateRole.LEADER ? " " + st.progress() : "")
                  + " first"
                  + n.storage.firstIndex());
        }
      }
      for (TestNode n : net.nodes.values()) {
        Status st = n.status();
        if (st.role() == StateRole.LEADER) {
          Long prev = leaderOfTerm.putIfAbsent(st.term(), n.id());
          assertThat(prev == null || prev == n.id())
              .as("seed %d step %d: two leaders in term %d", seed, step, st.term())
              .isTrue();
        }
        int from = checked.getOrDefault(n.id(), 0);
        for (int i = from; i < n.applied.size(); i++) {
          Entry e = n.applied.get(i);
          Entry other = appliedAt.putIfAbsent(e.getIndex(), e);
          assertThat(other == null || other.equals(e))
              .as(
                  "seed %d step %d: node %d applied %s at %d, another applied %s",
                  seed, step, n.id(), e, e.getIndex(), other)
              .isTrue();
        }
        checked.put(n.id(), n.applied.size());
      }
    }
    net.recover();
    net.tickAll(25); // any transfer in progress is aborted or done
    long leader = net.electLeader(200);
    assertThat(leader).as("seed %d: a leader after healing", seed).isNotZero();
    net.propose(leader, "final");
    net.tickAll(5);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.status().commit())
          .as("seed %d node %d", seed, n.id())
          .isEqualTo(net.node(leader).status().commit());
    }
  }
}
