package dev.raftboot.core;

import static dev.raftboot.core.Msgs.msg;
import static dev.raftboot.core.Msgs.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log compaction and snapshot installation: §7 of the Raft paper, thesis chapter 5. */
class SnapshotTest {

  /** A 3-node cluster whose leader 1 compacted its log past what follower 3 holds. */
  private static Network lagging() {
    Network net = Network.of(3);
    net.campaign(1);
    net.isolate(3);
    for (int i = 0; i < 5; i++) {
      net.propose(1, "e" + i);
    }
    TestNode n1 = net.node(1);
    assertThat(n1.appliedIndex).isEqualTo(6);
    n1.snapshotAndCompact();
    assertThat(n1.storage.firstIndex()).isEqualTo(7);
    return net;
  }

  // §7: the leader sends a snapshot to a follower whose next entries it has discarded; the
  // follower installs it and then catches up from the log.
  @Test
  void leaderSendsSnapshotToFollowerBehindItsCompactedLogAndTheFollowerCatchesUp() {
    Network net = lagging();
    net.propose(1, "after-snapshot");
    net.recover();
    net.tick(1, 1);

    List<Message> snaps = net.deliveredOf(MessageType.MSG_SNAPSHOT, 1, 3);
    assertThat(snaps).hasSize(1);
    assertThat(snaps.get(0).getSnapshot().getMetadata().getIndex()).isEqualTo(6);
    TestNode n3 = net.node(3);
    assertThat(n3.storage.snapshot(0).getMetadata().getIndex()).isEqualTo(6);
    assertThat(n3.storage.snapshot(0).getData().toStringUtf8()).isEqualTo("state@6");
    assertThat(n3.confState.getVotersList()).containsExactly(1L, 2L, 3L);
    // Entries covered by the snapshot are not applied one by one; later ones are.
    assertThat(n3.appliedData()).containsExactly("after-snapshot");
    assertThat(n3.status().commit()).isEqualTo(net.node(1).status().commit());
    assertThat(n3.appliedIndex).isEqualTo(7);
    assertThat(net.node(1).status().progress().get(3L).state()).isEqualTo(ProgressState.REPLICATE);
    assertThat(net.node(1).status().progress().get(3L).match()).isEqualTo(7);
  }

  // etcd raft.restore: a snapshot whose last entry the follower already holds is not installed,
  // but it proves that entry committed, so the commit index moves forward.
  @Test
  void snapshotOfEntriesAlreadyHeldOnlyFastForwardsCommit() {
    TestNode f =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 1},
            HardState.newBuilder().setTerm(1).setCommit(1).build());
    List<Entry> before = f.log();
    Message resp = single(f.step(snap(1, 2, 1, 2, 1)), MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getIndex()).isEqualTo(2);
    assertThat(f.status().commit()).isEqualTo(2);
    assertThat(f.log()).isEqualTo(before);
    assertThat(f.storage.snapshot(0).getMetadata().getIndex()).isZero();
  }

  // etcd raft.restore: a snapshot not newer than the commit index is ignored; the answer carries
  // the commit index so the leader can resume from there.
  @Test
  void staleSnapshotIsIgnored() {
    TestNode f =
        TestNode.withLog(
            2,
            TestNode.voters(1, 2, 3),
            Network.defaults(),
            new long[] {1, 1, 1, 1},
            HardState.newBuilder().setTerm(1).setCommit(3).build());
    f.drain();
    List<Entry> before = f.log();
    Message resp = single(f.step(snap(1, 2, 1, 2, 1)), MessageType.MSG_APPEND_RESPONSE);
    assertThat(resp.getIndex()).isEqualTo(3);
    assertThat(resp.getReject()).isFalse();
    assertThat(f.status().commit()).isEqualTo(3);
    assertThat(f.log()).isEqualTo(before);
    assertThat(f.storage.snapshot(0).getMetadata().getIndex()).isZero();
  }

  // etcd MsgSnapStatus: FINISH moves the follower to PROBE just past the snapshot; FAILURE to
  // PROBE from its match, so that a new snapshot is sent.
  @Test
  void reportSnapshotFinishAndFailureReturnTheFollowerToProbing() {
    Network net = lagging();
    net.recover();
    net.ignore(MessageType.MSG_SNAPSHOT); // the snapshot is "in transit"
    net.tick(1, 1);
    TestNode n1 = net.node(1);
    Progress pr = n1.status().progress().get(3L);
    assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
    long match = pr.match();

    n1.raw.reportSnapshot(3, SnapshotStatus.FAILURE);
    pr = n1.status().progress().get(3L);
    assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
    assertThat(pr.next()).isEqualTo(match + 1);
    // A heartbeat answer resumes probing, which needs a snapshot again.
    net.tick(1, 1);
    assertThat(n1.status().progress().get(3L).state()).isEqualTo(ProgressState.SNAPSHOT);

    n1.raw.reportSnapshot(3, SnapshotStatus.FINISH);
    pr = n1.status().progress().get(3L);
    assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
    assertThat(pr.next()).isEqualTo(7);

    // Reports about a peer that is not in SNAPSHOT are ignored.
    n1.raw.reportSnapshot(2, SnapshotStatus.FAILURE);
    assertThat(n1.status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
  }

  // etcd MsgUnreachable: a follower in REPLICATE falls back to PROBE from its match.
  @Test
  void reportUnreachableMovesReplicateToProbe() {
    Network net = Network.of(3);
    net.campaign(1);
    net.propose(1, "a");
    TestNode n1 = net.node(1);
    assertThat(n1.status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
    n1.raw.reportUnreachable(2);
    Progress pr = n1.status().progress().get(2L);
    assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
    assertThat(pr.next()).isEqualTo(pr.match() + 1);
    net.propose(1, "b");
    assertThat(n1.status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
    assertThat(net.node(2).appliedData()).containsExactly("a", "b");
  }

  /** Storage whose snapshot is not ready until told so. */
  private static final class SlowSnapshots implements LogStorage {
    final MemoryLogStorage inner;
    boolean ready;
    int refused;

    SlowSnapshots(MemoryLogStorage inner) {
      this.inner = inner;
    }

    @Override
    public RaftState initialState() {
      return inner.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
      return inner.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
      return inner.term(index);
    }

    @Override
    public long firstIndex() {
      return inner.firstIndex();
    }

    @Override
    public long lastIndex() {
      return inner.lastIndex();
    }

    @Override
    public Snapshot snapshot(long requestIndex) {
      if (!ready) {
        refused++;
        throw new SnapshotTemporarilyUnavailableException();
      }
      return inner.snapshot(requestIndex);
    }
  }

  // etcd ErrSnapshotTemporarilyUnavailable: the leader does not send anything and asks again
  // later (on the next heartbeat answer).
  @Test
  void temporarilyUnavailableSnapshotIsRetriedLater() {
    MemoryLogStorage s1 = new MemoryLogStorage(TestNode.voters(1, 2, 3));
    SlowSnapshots slow = new SlowSnapshots(s1);
    TestNode n1 = new TestNode(Network.defaults().id(1).build(), s1, slow);
    TestNode n2 = TestNode.of(2, new long[] {1, 2, 3}, Network.defaults());
    TestNode n3 = TestNode.of(3, new long[] {1, 2, 3}, Network.defaults());
    Network net = Network.of(n1, n2, n3);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "a");
    net.propose(1, "b");
    n1.snapshotAndCompact();
    net.recover();
    net.tick(1, 3);
    assertThat(slow.refused).isGreaterThan(0);
    assertThat(net.deliveredOf(MessageType.MSG_SNAPSHOT, 1, 3)).isEmpty();
    assertThat(n1.status().progress().get(3L).state()).isEqualTo(ProgressState.PROBE);

    slow.ready = true;
    net.tick(1, 1);
    assertThat(net.deliveredOf(MessageType.MSG_SNAPSHOT, 1, 3)).hasSize(1);
    assertThat(n3.status().commit()).isEqualTo(n1.status().commit());
    assertThat(n1.status().progress().get(3L).state()).isEqualTo(ProgressState.REPLICATE);
  }

  static Message snap(long from, long to, long term, long index, long snapTerm) {
    return msg(MessageType.MSG_SNAPSHOT, from, to, term)
        .setSnapshot(
            Snapshot.newBuilder()
                .setMetadata(
                    SnapshotMetadata.newBuilder()
                        .setIndex(index)
                        .setTerm(snapTerm)
                        .setConfState(TestNode.voters(1, 2, 3))))
        .build();
  }
}
