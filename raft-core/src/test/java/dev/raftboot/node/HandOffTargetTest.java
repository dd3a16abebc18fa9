package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.core.Progress;
import dev.raftboot.core.ProgressState;
import dev.raftboot.core.StateRole;
import dev.raftboot.core.Status;
import dev.raftboot.proto.ConfState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandOffTargetTest {

  private static Status leader(Map<Long, Progress> progress, List<Long> voters) {
    return new Status(
        1,
        5,
        1,
        100,
        100,
        StateRole.LEADER,
        1,
        progress,
        ConfState.newBuilder().addAllVoters(voters).build(),
        100,
        0);
  }

  /** Leader 1 at index 100 with followers 2 and 3, both replicating. */
  private static Status followersAt(long match2, long match3) {
    return leader(
        Map.of(1L, replicating(100), 2L, replicating(match2), 3L, replicating(match3)),
        List.of(1L, 2L, 3L));
  }

  private static Progress replicating(long match) {
    return new Progress(match, match + 1, ProgressState.REPLICATE);
  }

  @Test
  void prefersTheVoterConnectedLongestOverOneThatJustCameBack() {
    Status st = followersAt(100, 99);
    Map<Long, Duration> uptimes = Map.of(2L, Duration.ofSeconds(3), 3L, Duration.ofMinutes(10));

    assertThat(HandOffTarget.choose(st, 1, uptimes)).isEqualTo(3);
  }

  @Test
  void withoutConnectionTimesTheMostCaughtUpVoterThenTheLowestId() {
    assertThat(HandOffTarget.choose(followersAt(98, 99), 1, Map.of())).isEqualTo(3);
    assertThat(HandOffTarget.choose(followersAt(99, 99), 1, Map.of())).isEqualTo(2);
  }

  @Test
  void aVoterTheLogDoesNotStreamToIsChosenOnlyWhenNoOtherIs() {
    Progress probing = new Progress(40, 41, ProgressState.PROBE);
    Map<Long, Duration> uptimes = Map.of(2L, Duration.ofHours(1), 3L, Duration.ofSeconds(1));

    Status st =
        leader(Map.of(1L, replicating(100), 2L, probing, 3L, replicating(90)), List.of(1L, 2L, 3L));
    assertThat(HandOffTarget.choose(st, 1, uptimes)).isEqualTo(3);

    Progress snapshotting = new Progress(50, 51, ProgressState.SNAPSHOT);
    Status noneStreaming =
        leader(Map.of(1L, replicating(100), 2L, probing, 3L, snapshotting), List.of(1L, 2L, 3L));
    assertThat(HandOffTarget.choose(noneStreaming, 1, uptimes)).isEqualTo(2);
  }

  @Test
  void learnersAndUnknownVotersAreNeverChosen() {
    Status st =
        new Status(
            1,
            5,
            1,
            100,
            100,
            StateRole.LEADER,
            1,
            Map.of(1L, replicating(100), 4L, replicating(100)),
            ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(4).build(),
            100,
            0);
    assertThat(HandOffTarget.choose(st, 1, Map.of(4L, Duration.ofHours(1)))).isZero();
  }
}
