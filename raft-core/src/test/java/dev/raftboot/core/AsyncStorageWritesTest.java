package dev.raftboot.core;

import static dev.raftboot.core.Msgs.app;
import static dev.raftboot.core.Msgs.bytes;
import static dev.raftboot.core.Msgs.vote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import dev.raftboot.proto.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RawNode#advanceAsync} and {@link RawNode#onPersisted}: the next Ready before the last one
 * is written (etcd's AsyncStorageWrites, raft-rs's advance_append_async). The randomized side is in
 * {@code SimulationTest}; these pin the rules one at a time.
 */
class AsyncStorageWritesTest {

  private static TestNode singleVoterLeader() {
    TestNode n = TestNode.of(1, new long[] {1}, Network.defaults());
    n.raw.campaign();
    n.drain();
    assertThat(n.status().role()).isEqualTo(StateRole.LEADER);
    return n;
  }

  @Test
  void eachEntryIsHandedOutOnceAndALeaderCommitsOnlyWhatItsOwnWriteMadeDurable() {
    TestNode n = singleVoterLeader();
    long committed = n.status().commit();

    n.raw.propose(bytes("a"));
    Ready first = n.raw.ready();
    assertThat(first.entries()).hasSize(1);
    n.raw.advanceAsync(first);
    n.raw.propose(bytes("b"));
    Ready second = n.raw.ready();
    assertThat(second.entries())
        .as("the entry in progress is not handed out again")
        .extracting(e -> e.getData().toStringUtf8())
        .containsExactly("b");
    n.raw.advanceAsync(second);
    assertThat(n.raw.hasReady()).isFalse();
    assertThat(n.status().commit()).as("nothing durable yet: no quorum").isEqualTo(committed);

    Entry a = first.entries().get(0);
    n.storage.append(first.entries());
    n.raw.onPersisted(a.getIndex(), a.getTerm());
    Ready afterFirst = n.raw.ready();
    assertThat(afterFirst.entries()).isEmpty();
    assertThat(afterFirst.committedEntries()).containsExactly(a);
    assertThat(n.status().commit()).isEqualTo(a.getIndex());
    n.raw.advanceAsync(afterFirst);

    Entry b = second.entries().get(0);
    n.storage.append(second.entries());
    n.raw.onPersisted(b.getIndex(), b.getTerm());
    assertThat(n.raw.ready().committedEntries()).containsExactly(b);
  }

  @Test
  void aCompletionForAnEntryReplacedMeanwhileIsIgnored() {
    TestNode n = TestNode.of(2, new long[] {1, 2, 3}, Network.defaults());
    // Leader 1 of term 1 sends entries 1 and 2; their write starts.
    n.raw.step(app(1, 2, 1, 0, 0, 0, TestNode.entries(1, 1, 1)));
    Ready old = n.raw.ready();
    assertThat(old.entries()).hasSize(2);
    n.raw.advanceAsync(old);
    // Leader 3 of term 2 replaces entry 2 while that write is in progress.
    n.raw.step(app(3, 2, 2, 1, 1, 0, TestNode.entries(2, 2)));
    Ready replacement = n.raw.ready();
    assertThat(replacement.entries())
        .as("the replaced entry is written again, in its new version")
        .extracting(Entry::getIndex, Entry::getTerm)
        .containsExactly(tuple(2L, 2L));
    n.raw.advanceAsync(replacement);

    // The old write completes: it must not make the node forget that entry 2 is of term 2.
    n.storage.append(old.entries());
    n.raw.onPersisted(2, 1);
    n.raw.step(vote(4, 2, 3, 2, 1));
    Ready answer = n.raw.ready();
    Message response = Msgs.single(answer.messages(), MessageType.MSG_REQUEST_VOTE_RESPONSE);
    assertThat(response.getReject())
        .as("a candidate whose last entry is (2, term 1) is behind this node's (2, term 2)")
        .isTrue();
  }

  @Test
  void aReadyWithASnapshotIsNotAdvancedAsynchronously() {
    TestNode n = TestNode.of(2, new long[] {1, 2, 3}, Network.defaults());
    Snapshot snapshot =
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(5)
                    .setTerm(1)
                    .setConfState(ConfState.newBuilder().addAllVoters(List.of(1L, 2L, 3L))))
            .build();
    n.raw.step(Msgs.msg(MessageType.MSG_SNAPSHOT, 1, 2, 1).setSnapshot(snapshot).build());
    Ready rd = n.raw.ready();
    assertThat(rd.snapshot()).isPresent();
    assertThatThrownBy(() -> n.raw.advanceAsync(rd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot");
  }
}
