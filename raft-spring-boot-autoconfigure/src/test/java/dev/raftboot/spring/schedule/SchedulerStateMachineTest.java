package dev.raftboot.spring.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The claim rules that make a slot claimed at most once per attempt, decided from the log. */
class SchedulerStateMachineTest {
  private final SchedulerStateMachine sm = new SchedulerStateMachine(10);
  private long index;

  private Object apply(SchedulerCommand c) {
    return sm.apply(++index, c.encode());
  }

  private boolean claim(long slot, int attempt, long term) {
    return ((SchedulerStateMachine.ClaimResult)
            apply(SchedulerCommand.claim("job", slot, attempt, 1, term)))
        .granted();
  }

  @Test
  void aSlotIsClaimedOnceAndLaterSlotsOnlyAfterIt() {
    assertThat(claim(1000, 1, 1)).isTrue();
    assertThat(claim(1000, 1, 1)).as("same slot again").isFalse();
    assertThat(claim(1000, 1, 2)).as("same slot by a later leader").isFalse();
    assertThat(
            apply(
                SchedulerCommand.finish(
                    "job", 1000, 1, JobRun.Outcome.SUCCEEDED, 1100 - 1, 1100, "")))
        .isEqualTo(true);
    assertThat(claim(900, 1, 2)).as("an earlier slot").isFalse();
    assertThat(claim(2000, 1, 2)).isTrue();
    assertThat(sm.history("job"))
        .extracting(JobRun::outcome)
        .containsExactly(JobRun.Outcome.SUCCEEDED, JobRun.Outcome.RUNNING);
  }

  @Test
  void aClaimFromAnOlderTermIsRefusedOnceALaterTermClaimed() {
    assertThat(claim(1000, 1, 5)).isTrue();
    apply(SchedulerCommand.finish("job", 1000, 1, JobRun.Outcome.SUCCEEDED, 1100 - 1, 1100, ""));
    assertThat(claim(2000, 1, 4)).as("deposed leader's claim committed late").isFalse();
  }

  @Test
  void aClaimAppendedInAnotherTermThanItsLeadersIsRefused() {
    // The leader of term 5 stepped down as it claimed: its claim was forwarded to the leader of
    // term 6 and appended there, before that leader claimed the slot itself.
    Object stale = sm.apply(++index, 6, SchedulerCommand.claim("job", 1000, 1, 1, 5).encode());
    assertThat(((SchedulerStateMachine.ClaimResult) stale).granted()).isFalse();
    assertThat(((SchedulerStateMachine.ClaimResult) stale).reason()).contains("term 5");
    // The new leader's own claim of the same slot is granted: the slot is not lost.
    Object own = sm.apply(++index, 6, SchedulerCommand.claim("job", 1000, 1, 2, 6).encode());
    assertThat(((SchedulerStateMachine.ClaimResult) own).granted()).isTrue();
  }

  @Test
  void aSkipAppendedInAnotherTermThanItsLeadersIsRefused() {
    Object own = sm.apply(++index, 5, SchedulerCommand.claim("job", 1000, 1, 1, 5).encode());
    assertThat(((SchedulerStateMachine.ClaimResult) own).granted()).isTrue();
    // The leader of term 5 decided to skip up to slot 3000 as it stepped down; forwarded, the
    // skip is appended in term 6 and must not take those slots from the leader of term 6.
    Object stale =
        sm.apply(++index, 6, SchedulerCommand.skip("job", 3000, 1, "missed", 5).encode());
    assertThat(stale).isEqualTo(false);
    Object claim = sm.apply(++index, 6, SchedulerCommand.claim("job", 2000, 1, 2, 6).encode());
    assertThat(((SchedulerStateMachine.ClaimResult) claim).granted()).isTrue();
    // A skip of the leadership that appends it counts.
    assertThat(sm.apply(++index, 6, SchedulerCommand.skip("job", 2000, 2, "misfire", 6).encode()))
        .isEqualTo(true);
  }

  @Test
  void anUnfinishedSlotIsEitherSkippedOrRunAgainAsTheNextAttempt() {
    assertThat(claim(1000, 1, 1)).isTrue();
    assertThat(claim(1000, 3, 2)).as("attempts go up by one").isFalse();
    assertThat(claim(1000, 2, 2)).as("run again").isTrue();
    assertThat(
            apply(SchedulerCommand.finish("job", 1000, 1, JobRun.Outcome.SUCCEEDED, 1 - 1, 1, "")))
        .as("the end of the superseded attempt")
        .isEqualTo(false);
    assertThat(apply(SchedulerCommand.skip("job", 1000, 1200, "misfire"))).isEqualTo(true);
    assertThat(claim(1000, 3, 3)).as("a skipped slot is decided").isFalse();
    assertThat(sm.history("job"))
        .extracting(JobRun::outcome)
        .containsExactly(JobRun.Outcome.MISFIRED, JobRun.Outcome.MISFIRED);
  }

  @Test
  void historyIsBoundedAndSurvivesASnapshot() {
    for (int i = 1; i <= 15; i++) {
      assertThat(claim(i * 1000L, 1, 1)).isTrue();
      apply(
          SchedulerCommand.finish(
              "job", i * 1000L, 1, JobRun.Outcome.SUCCEEDED, i * 1000L + 1, i * 1000L + 5, ""));
    }
    apply(SchedulerCommand.skip("other", 500, 600, "missed"));
    assertThat(sm.history("job")).hasSize(10);
    assertThat(sm.history("job").get(9).duration()).isEqualTo(java.time.Duration.ofMillis(4));
    ByteArrayOutputStream image = new ByteArrayOutputStream();
    sm.snapshot(image);
    SchedulerStateMachine restored = new SchedulerStateMachine(10);
    restored.restore(new ByteArrayInputStream(image.toByteArray()));
    assertThat(restored.history("job")).isEqualTo(sm.history("job"));
    assertThat(restored.history("other")).isEqualTo(sm.history("other"));
    assertThat(restored.job("job").orElseThrow().lastSlot).isEqualTo(15_000);
    // The restored state keeps deciding the same way.
    assertThat(
            ((SchedulerStateMachine.ClaimResult)
                    restored.apply(99, SchedulerCommand.claim("job", 15_000, 1, 1, 1).encode()))
                .granted())
        .isFalse();
  }

  @Test
  void malformedCommandsAreRefused() {
    assertThatThrownBy(() -> sm.apply(1, new byte[] {9, 9}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sm.apply(1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fixedRateSlotsAreAlignedToTheEpochAndMissedOnesCounted() {
    SlotTrigger rate = new SlotTrigger.FixedRate(Duration.ofMillis(200));
    assertThat(rate.next(Long.MIN_VALUE, Long.MIN_VALUE, 1_050)).isEqualTo(1_200);
    assertThat(rate.next(Long.MIN_VALUE, Long.MIN_VALUE, 1_200)).isEqualTo(1_200);
    assertThat(rate.next(1_200, 1_250, 5_000)).isEqualTo(1_400);
    SlotTrigger delay = new SlotTrigger.FixedDelay(Duration.ofMillis(300));
    assertThat(delay.next(1_000, 1_500, 1_600)).isEqualTo(1_800);
    assertThat(delay.after(1_800)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void everyKindOfCommandSurvivesEncoding() {
    for (SchedulerCommand c :
        List.of(
            SchedulerCommand.claim("a", 1, 2, 3, 4),
            SchedulerCommand.finish("b", 5, 6, JobRun.Outcome.FAILED, 7 - 1, 7, "boom"),
            SchedulerCommand.skip("c", 8, 9, "why"))) {
      assertThat(SchedulerCommand.decode(c.encode())).isEqualTo(c);
    }
  }
}
