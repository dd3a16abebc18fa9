package dev.raftboot.core;

import static dev.raftboot.core.Msgs.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeTransition;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Membership changes: thesis chapter 4 (single-server changes, joint consensus), learners. */
class MembershipTest {

  static ConfChangeSingle add(long id) {
    return ConfChangeSingle.newBuilder().setType(ConfChangeType.ADD_NODE).setNodeId(id).build();
  }

  static ConfChangeSingle remove(long id) {
    return ConfChangeSingle.newBuilder().setType(ConfChangeType.REMOVE_NODE).setNodeId(id).build();
  }

  static ConfChangeSingle learner(long id) {
    return ConfChangeSingle.newBuilder()
        .setType(ConfChangeType.ADD_LEARNER_NODE)
        .setNodeId(id)
        .build();
  }

  static ConfChangeV2 cc(ConfChangeTransition t, ConfChangeSingle... changes) {
    return ConfChangeV2.newBuilder().setTransition(t).addAllChanges(List.of(changes)).build();
  }

  static ConfState conf(long[] voters, long[] outgoing, boolean autoLeave) {
    ConfState.Builder b = ConfState.newBuilder().setAutoLeave(autoLeave);
    for (long v : voters) {
      b.addVoters(v);
    }
    for (long v : outgoing) {
      b.addVotersOutgoing(v);
    }
    return b.build();
  }

  static long[] ids(long... ids) {
    return ids;
  }

  /**
   * Proposes a change on the leader while the new nodes are unreachable, then has every member
   * snapshot and compact so that the new nodes join from a snapshot (as they do in a deployment: an
   * empty node learns the configuration from the snapshot, not from the log).
   */
  static void changeAndJoin(Network net, long leader, ConfChangeV2 change, long... newIds) {
    for (long id : newIds) {
      net.addEmpty(id, Network.defaults());
      net.isolate(id);
    }
    net.node(leader).raw.proposeConfChange(change);
    net.settle();
    net.compactAll();
    net.recover();
    net.tick(leader, 1);
  }

  static long confChangeEntries(TestNode n) {
    return n.applied.stream().filter(e -> e.getType() != EntryType.ENTRY_NORMAL).count();
  }

  // Thesis §4.1 single-server change: a voter added alone joins the quorum at once.
  @Test
  void addingAVoterEnlargesTheQuorum() {
    Network net = Network.of(3);
    net.campaign(1);
    net.addEmpty(4, Network.defaults());
    net.isolate(4);
    net.node(1)
        .raw
        .proposeConfChange(
            ConfChange.newBuilder().setType(ConfChangeType.ADD_NODE).setNodeId(4).build());
    net.settle();
    for (long id = 1; id <= 3; id++) {
      assertThat(net.node(id).confState.getVotersList()).containsExactly(1L, 2L, 3L, 4L);
    }
    net.compactAll();
    net.recover();
    net.tick(1, 1);
    TestNode n4 = net.node(4);
    assertThat(n4.confState.getVotersList()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(n4.status().commit()).isEqualTo(net.node(1).status().commit());

    // Two of four is no longer a quorum.
    long commit = net.node(1).status().commit();
    net.isolate(3);
    net.isolate(4);
    net.propose(1, "x");
    assertThat(net.node(1).status().commit()).isEqualTo(commit);
    net.recover();
    net.tick(1, 1);
    assertThat(net.node(4).appliedData()).containsExactly("x");
  }

  // Thesis §4.3: a change of several voters goes through the joint configuration C_old,new, which
  // the leader leaves on its own (AUTO with several changes, or JOINT_IMPLICIT).
  @ParameterizedTest
  @ValueSource(strings = {"AUTO", "JOINT_IMPLICIT"})
  void jointConfigurationIsEnteredAndLeftAutomatically(String transition) {
    Network net = Network.of(3);
    net.campaign(1);
    ConfChangeV2 change =
        transition.equals("AUTO")
            ? cc(ConfChangeTransition.AUTO, add(4), remove(3))
            : cc(ConfChangeTransition.JOINT_IMPLICIT, add(4), remove(3));
    changeAndJoin(net, 1, change, 4);
    for (long id : new long[] {1, 2}) {
      assertThat(net.node(id).confHistory)
          .as("node %d", id)
          .containsExactly(
              conf(ids(1, 2, 4), ids(1, 2, 3), true), conf(ids(1, 2, 4), ids(), false));
      assertThat(confChangeEntries(net.node(id))).isEqualTo(2);
    }
    assertThat(net.node(4).confState).isEqualTo(conf(ids(1, 2, 4), ids(), false));
    assertThat(net.node(1).status().progress()).containsOnlyKeys(1L, 2L, 4L);
    net.propose(1, "after");
    assertThat(net.node(4).appliedData()).containsExactly("after");
    assertThat(net.node(3).appliedData()).isEmpty();
  }

  // Thesis §4.3 / etcd JOINT_EXPLICIT: the joint configuration stays until the application
  // proposes an empty ConfChangeV2.
  @Test
  void explicitJointConfigurationIsLeftByAnEmptyChange() {
    Network net = Network.of(3);
    net.campaign(1);
    net.node(1)
        .raw
        .proposeConfChange(cc(ConfChangeTransition.JOINT_EXPLICIT, learner(4), remove(3)));
    net.settle();
    net.tick(1, 5);
    ConfState joint = net.node(2).confState;
    assertThat(joint.getVotersList()).containsExactly(1L, 2L);
    assertThat(joint.getVotersOutgoingList()).containsExactly(1L, 2L, 3L);
    assertThat(joint.getLearnersList()).containsExactly(4L);
    assertThat(joint.getAutoLeave()).isFalse();
    assertThat(confChangeEntries(net.node(2))).isEqualTo(1);

    net.node(1).raw.proposeConfChange(ConfChangeV2.getDefaultInstance());
    net.settle();
    for (long id = 1; id <= 2; id++) {
      ConfState cs = net.node(id).confState;
      assertThat(cs.getVotersList()).containsExactly(1L, 2L);
      assertThat(cs.getVotersOutgoingList()).isEmpty();
      assertThat(cs.getLearnersList()).containsExactly(4L);
    }
  }

  /** {1,2,3} in joint configuration with {1,4,5}; all five caught up. Leader 1. */
  static Network jointOneTwoThreeAndOneFourFive() {
    Network net = Network.of(3);
    net.campaign(1);
    changeAndJoin(
        net,
        1,
        cc(ConfChangeTransition.JOINT_EXPLICIT, add(4), add(5), remove(2), remove(3)),
        4,
        5);
    for (TestNode n : net.nodes.values()) {
      assertThat(n.confState)
          .as("node %d", n.id())
          .isEqualTo(conf(ids(1, 4, 5), ids(1, 2, 3), false));
    }
    return net;
  }

  // Thesis §4.3: while joint, an entry commits only with a majority of both configurations.
  @Test
  void jointCommitNeedsBothMajorities() {
    Network net = jointOneTwoThreeAndOneFourFive();
    long commit = net.node(1).status().commit();
    net.isolate(4);
    net.isolate(5);
    net.propose(1, "old-majority-only");
    assertThat(net.node(1).status().commit()).isEqualTo(commit);
    net.recover();
    net.tick(1, 1);
    assertThat(net.node(1).status().commit()).isEqualTo(commit + 1);

    net.isolate(2);
    net.isolate(3);
    net.propose(1, "new-majority-only");
    assertThat(net.node(1).status().commit()).isEqualTo(commit + 1);
    net.recover();
    net.tick(1, 1);
    assertThat(net.node(1).status().commit()).isEqualTo(commit + 2);
  }

  // Thesis §4.3: while joint, a candidate needs a majority of both configurations.
  @Test
  void jointElectionNeedsBothMajorities() {
    Network net = jointOneTwoThreeAndOneFourFive();
    net.isolate(1);
    for (long a : new long[] {2, 3}) {
      for (long b : new long[] {4, 5}) {
        net.cut(a, b);
      }
    }
    net.campaign(2); // 2 and 3 are a majority of {1,2,3} only
    assertThat(net.node(2).status().role()).isNotEqualTo(StateRole.LEADER);
    net.campaign(4); // 4 and 5 are a majority of {1,4,5} only
    assertThat(net.node(4).status().role()).isNotEqualTo(StateRole.LEADER);

    net.recover();
    net.isolate(1);
    for (int i = 0; i < 3 && net.node(4).status().role() != StateRole.LEADER; i++) {
      net.campaign(4);
    }
    assertThat(net.node(4).status().role()).isEqualTo(StateRole.LEADER);
  }

  // Thesis §4.2.2 / §4.3: a leader can be replaced in one joint change (add 4, remove 1); it
  // leads the change to its end, then steps down, and the rest elect a leader among themselves.
  @Test
  void leaderIsReplacedInOneJointChange() {
    Network net = Network.of(3);
    net.campaign(1);
    changeAndJoin(net, 1, cc(ConfChangeTransition.AUTO, add(4), remove(1)), 4);
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.FOLLOWER);
    for (long id = 2; id <= 3; id++) {
      assertThat(net.node(id).confState).isEqualTo(conf(ids(2, 3, 4), ids(), false));
    }
    long leader = net.electLeader(100);
    assertThat(leader).isIn(2L, 3L);
    net.tick(leader, 1); // the new leader brings 4 in with a snapshot
    assertThat(net.node(4).confState).isEqualTo(conf(ids(2, 3, 4), ids(), false));
    net.propose(leader, "new-era");
    for (long id = 2; id <= 4; id++) {
      assertThat(net.node(id).appliedData()).as("node %d", id).containsExactly("new-era");
    }
    assertThat(net.node(1).appliedData()).isEmpty();
  }

  // Thesis §4.1 (one change at a time) / etcd pendingConfIndex: a change proposed while another
  // is pending is appended as an empty normal entry.
  @Test
  void onlyOneConfChangeMayBePending() {
    Network net = Network.of(3);
    net.campaign(1);
    RawNode leader = net.node(1).raw;
    leader.proposeConfChange(cc(ConfChangeTransition.AUTO, learner(4)));
    leader.proposeConfChange(cc(ConfChangeTransition.AUTO, learner(5)));
    net.settle();
    List<Entry> log = net.node(2).log();
    assertThat(log.get(1).getType()).isEqualTo(EntryType.ENTRY_CONF_CHANGE_V2);
    assertThat(log.get(2).getType()).isEqualTo(EntryType.ENTRY_NORMAL);
    assertThat(log.get(2).getData().isEmpty()).isTrue();
    assertThat(net.node(2).confState.getLearnersList()).containsExactly(4L);

    // Once the first is applied, the next one is accepted.
    leader.proposeConfChange(cc(ConfChangeTransition.AUTO, learner(5)));
    net.settle();
    assertThat(net.node(2).confState.getLearnersList()).containsExactly(4L, 5L);
  }

  // Thesis §4.2.1: a learner receives entries, is never asked to vote, does not count toward
  // commit; once promoted it votes and may lead.
  @Test
  void learnerReplicatesWithoutVotingUntilPromoted() {
    Network net = Network.withLearners(3, new long[] {4}, Network.defaults());
    net.campaign(1);
    net.propose(1, "a");
    assertThat(net.node(4).appliedData()).containsExactly("a");
    assertThat(net.deliveredOf(MessageType.MSG_REQUEST_VOTE, 0, 4)).isEmpty();

    long commit = net.node(1).status().commit();
    net.isolate(2);
    net.isolate(3);
    net.propose(1, "b");
    assertThat(net.node(4).status().lastIndex()).isEqualTo(commit + 1);
    assertThat(net.node(1).status().commit())
        .as("a learner's copy does not count")
        .isEqualTo(commit);
    net.recover();
    net.tick(1, 1);

    net.node(1).raw.proposeConfChange(cc(ConfChangeTransition.AUTO, add(4)));
    net.settle();
    for (TestNode n : net.nodes.values()) {
      assertThat(n.confState.getVotersList()).as("node %d", n.id()).containsExactly(1L, 2L, 3L, 4L);
      assertThat(n.confState.getLearnersList()).isEmpty();
    }
    net.isolate(3);
    net.propose(1, "c");
    assertThat(net.node(1).appliedData()).containsExactly("a", "b", "c");
    net.campaign(4);
    assertThat(net.node(4).status().role()).isEqualTo(StateRole.LEADER);
  }

  // etcd Config.StepDownOnRemoval (default true): a leader removed from the configuration steps
  // down once the change applies; the others elect a new leader.
  @Test
  void removedLeaderStepsDown() {
    Network net = Network.of(3);
    net.campaign(1);
    net.node(1).raw.proposeConfChange(cc(ConfChangeTransition.AUTO, remove(1)));
    net.settle();
    assertThat(net.node(1).status().role()).isEqualTo(StateRole.FOLLOWER);
    long leader = net.electLeader(100);
    assertThat(leader).isIn(2L, 3L);
    net.propose(leader, "x");
    assertThat(net.node(2).appliedData()).containsExactly("x");
    assertThat(net.node(1).appliedData()).isEmpty();
  }

  // etcd Config.StepDownOnRemoval false: the removed leader keeps leading (refusing proposals)
  // until it hands leadership over; check-quorum answers then tell it of the new term.
  @Test
  void removedLeaderWithoutStepDownKeepsLeadingUntilItTransfers() {
    Network net = Network.of(3, Network.defaults().stepDownOnRemoval(false).checkQuorum(true));
    net.campaign(1);
    net.node(1).raw.proposeConfChange(cc(ConfChangeTransition.AUTO, remove(1)));
    net.settle();
    TestNode n1 = net.node(1);
    assertThat(n1.status().role()).isEqualTo(StateRole.LEADER);
    assertThatThrownBy(() -> n1.raw.propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class);
    n1.raw.transferLeader(2);
    net.settle();
    assertThat(net.node(2).status().role()).isEqualTo(StateRole.LEADER);
    assertThat(net.node(2).status().term()).isEqualTo(2);
    net.tick(1, 1); // its stale heartbeat is answered with the new term
    assertThat(net.leader()).isEqualTo(2);
    assertThat(n1.status().role()).isEqualTo(StateRole.FOLLOWER);
  }

  // Thesis §4.3 / etcd confchange: changes that can never apply are refused on the proposing
  // leader: removing the last voter, leaving a config that is not joint, entering joint twice.
  @Test
  void invalidConfChangesAreRefused() {
    Network one = Network.of(1);
    one.campaign(1);
    assertThatThrownBy(
            () -> one.node(1).raw.proposeConfChange(cc(ConfChangeTransition.AUTO, remove(1))))
        .isInstanceOf(InvalidConfChangeException.class);

    Network net = Network.of(3);
    net.campaign(1);
    RawNode leader = net.node(1).raw;
    assertThatThrownBy(() -> leader.proposeConfChange(ConfChangeV2.getDefaultInstance()))
        .isInstanceOf(InvalidConfChangeException.class);
    assertThatThrownBy(() -> net.node(2).raw.applyConfChange(ConfChangeV2.getDefaultInstance()))
        .isInstanceOf(InvalidConfChangeException.class);

    leader.proposeConfChange(cc(ConfChangeTransition.JOINT_EXPLICIT, learner(4)));
    net.settle();
    assertThat(net.node(1).confState.getVotersOutgoingList()).isNotEmpty();
    assertThatThrownBy(
            () -> leader.proposeConfChange(cc(ConfChangeTransition.JOINT_EXPLICIT, learner(5))))
        .isInstanceOf(InvalidConfChangeException.class);
    assertThatThrownBy(() -> leader.proposeConfChange(cc(ConfChangeTransition.AUTO, learner(5))))
        .isInstanceOf(InvalidConfChangeException.class);
    long last = net.node(1).status().lastIndex();
    assertThat(net.node(1).raw.status().lastIndex()).isEqualTo(last);

    // Forwarded from a follower, an invalid change keeps its log position as an empty entry.
    net.node(2).raw.proposeConfChange(cc(ConfChangeTransition.JOINT_EXPLICIT, learner(5)));
    net.settle();
    Entry e = net.node(1).log().get((int) last);
    assertThat(e.getIndex()).isEqualTo(last + 1);
    assertThat(e.getType()).isEqualTo(EntryType.ENTRY_NORMAL);
    assertThat(net.node(1).confState.getLearnersList()).containsExactly(4L);
  }
}
