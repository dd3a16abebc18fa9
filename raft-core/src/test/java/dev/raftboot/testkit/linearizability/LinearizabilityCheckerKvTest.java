package dev.raftboot.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Known-good and known-bad key-value histories, small enough to verify by hand. */
class LinearizabilityCheckerKvTest {

  private final KvModel model = new KvModel();

  private CheckResult<KvInput, KvOutput> check(KvHistoryBuilder history) {
    return LinearizabilityChecker.check(model, history.build());
  }

  private static void assertLinearizable(CheckResult<KvInput, KvOutput> result) {
    assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(result.isLinearizable()).isTrue();
    assertThat(result.violations()).isEmpty();
  }

  /** Asserts a violation on {@code key} whose blocking operation renders as {@code culprit}. */
  private void assertViolation(CheckResult<KvInput, KvOutput> result, String key, String culprit) {
    assertThat(result.verdict()).as(result.describe()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.isLinearizable()).isFalse();
    PartitionResult<KvInput, KvOutput> violation = result.violations().get(0);
    assertThat(violation.key()).isEqualTo(key);
    Operation<KvInput, KvOutput> blocking = violation.blockingOperation().orElseThrow();
    assertThat(model.describe(blocking.input(), blocking.output())).isEqualTo(culprit);
    assertThat(violation.unplacedOperations()).contains(blocking);
    assertThat(result.describe())
        .contains("partition " + key)
        .contains(culprit + "   <- responded before any order could place it");
  }

  @Nested
  class Sequential {

    @Test
    void sequentialHistoryIsLinearizableInItsOwnOrder() {
      History<KvInput, KvOutput> history =
          new KvHistoryBuilder()
              .put(1, "x", "1", 0, 1)
              .get(2, "x", "1", 2, 3)
              .put(1, "x", "2", 4, 5)
              .get(2, "x", "2", 6, 7)
              .delete(1, "x", 8, 9)
              .get(2, "x", null, 10, 11)
              .build();

      CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(model, history);

      assertLinearizable(result);
      PartitionResult<KvInput, KvOutput> partition = result.partitions().get(0);
      assertThat(partition.linearization()).isEqualTo(history.operations());
      assertThat(partition.stateAfterLinearization()).contains("absent");
    }

    @Test
    void readOfNeverWrittenKeySeesItAbsent() {
      assertLinearizable(check(new KvHistoryBuilder().get(1, "x", null, 0, 1)));
      assertViolation(
          check(new KvHistoryBuilder().get(1, "x", "ghost", 0, 1)), "x", "get(x) -> ghost");
    }

    @Test
    void emptyHistoryIsLinearizable() {
      assertLinearizable(check(new KvHistoryBuilder()));
    }
  }

  @Nested
  class ConcurrentWrites {

    @Test
    void laterReadMaySeeEitherOfTwoConcurrentWrites() {
      for (String seen : List.of("1", "2")) {
        assertLinearizable(
            check(
                new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .put(2, "x", "2", 0, 10)
                    .get(3, "x", seen, 11, 12)));
      }
    }

    @Test
    void readsOverlappingTheWritesMaySeeBothInTurn() {
      assertLinearizable(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 10)
                  .put(2, "x", "2", 0, 10)
                  .get(3, "x", "1", 2, 8)
                  .get(4, "x", "2", 3, 9)
                  .get(3, "x", "2", 11, 12)));
    }

    @Test
    void readsAfterBothWritesCompletedMustAgree() {
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 10)
                  .put(2, "x", "2", 0, 10)
                  .get(3, "x", "1", 11, 12)
                  .get(3, "x", "2", 13, 14)),
          "x",
          "get(x) -> 2");
    }
  }

  @Nested
  class Violations {

    @Test
    void staleReadAfterCompletedWriteIsNotLinearizable() {
      CheckResult<KvInput, KvOutput> result =
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .put(1, "x", "2", 2, 3)
                  .get(2, "x", "1", 4, 5));

      assertViolation(result, "x", "get(x) -> 1");
      PartitionResult<KvInput, KvOutput> violation = result.violations().get(0);
      assertThat(violation.linearization())
          .extracting(op -> op.input().value())
          .containsExactly("1", "2");
      assertThat(violation.stateAfterLinearization()).contains("2");
      assertThat(result.describe())
          .contains("longest linearizable prefix: 2 operations, leaving state 2")
          .contains("1. client 1 [0, 1] put(x, 1)")
          .contains("2. client 1 [2, 3] put(x, 2)")
          .contains("client 2 [4, 5] get(x) -> 1");
    }

    @Test
    void lostWriteWhileLaterReadsSeeAnOlderValueIsNotLinearizable() {
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "a", 0, 1)
                  .put(2, "x", "b", 2, 4)
                  .get(3, "x", "a", 5, 6)
                  .get(1, "x", "a", 7, 8)),
          "x",
          "get(x) -> a");
    }

    @Test
    void readSeeingTheInitialValueAfterCompletedWritesIsNotLinearizable() {
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "a", 0, 1)
                  .put(2, "x", "b", 2, 4)
                  .get(3, "x", null, 5, 6)),
          "x",
          "get(x) -> absent");
    }

    @Test
    void readOfValueWrittenOnlyLaterIsNotLinearizable() {
      assertViolation(
          check(new KvHistoryBuilder().get(1, "x", "v", 0, 1).put(2, "x", "v", 2, 3)),
          "x",
          "get(x) -> v");
    }

    @Test
    void readOfDefinitelyFailedWriteIsNotLinearizable() {
      long[] now = {0};
      HistoryRecorder<KvInput, KvOutput> recorder = new HistoryRecorder<>(() -> now[0]++);
      HistoryRecorder.Invocation<KvInput> write = recorder.invoke(1, KvInput.put("x", "v"));
      recorder.fail(write);
      HistoryRecorder.Invocation<KvInput> read = recorder.invoke(2, KvInput.get("x"));
      recorder.complete(read, KvOutput.value("v"));

      assertViolation(LinearizabilityChecker.check(model, recorder.history()), "x", "get(x) -> v");
    }
  }

  @Nested
  class AmbiguousOperations {

    @Test
    void timedOutWriteObservedLaterIsLinearizable() {
      assertLinearizable(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .timedOut(1, KvInput.put("x", "2"), 2)
                  .get(2, "x", "1", 3, 4)
                  .get(2, "x", "2", 10, 11)
                  .get(3, "x", "2", 12, 13)));
    }

    @Test
    void timedOutWriteNeverObservedIsLinearizable() {
      assertLinearizable(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .timedOut(1, KvInput.put("x", "2"), 2)
                  .get(2, "x", "1", 10, 11)
                  .get(3, "x", "1", 20, 21)));
    }

    @Test
    void timedOutWriteTakesEffectAtMostOnce() {
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .timedOut(1, KvInput.put("x", "2"), 2)
                  .get(2, "x", "2", 10, 11)
                  .get(2, "x", "1", 12, 13)),
          "x",
          "get(x) -> 1");
    }

    @Test
    void timedOutWriteCannotBeObservedBeforeItsInvocation() {
      assertViolation(
          check(
              new KvHistoryBuilder().get(1, "x", "2", 0, 1).timedOut(2, KvInput.put("x", "2"), 5)),
          "x",
          "get(x) -> 2");
    }

    @Test
    void timedOutCasAppliesOnlyIfItsExpectationHeld() {
      assertLinearizable(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .timedOut(1, KvInput.cas("x", "1", "2"), 2)
                  .get(2, "x", "2", 10, 11)));
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "0", 0, 1)
                  .timedOut(1, KvInput.cas("x", "1", "2"), 2)
                  .get(2, "x", "2", 10, 11)),
          "x",
          "get(x) -> 2");
    }
  }

  @Nested
  class CompareAndSet {

    @Test
    void oneOfTwoConcurrentCasWithTheSameExpectationWins() {
      assertLinearizable(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .cas(1, "x", "1", "2", true, 2, 5)
                  .cas(2, "x", "1", "3", false, 3, 6)
                  .get(3, "x", "2", 7, 8)));
    }

    @Test
    void twoConcurrentCasWithTheSameExpectationCannotBothWin() {
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .cas(1, "x", "1", "2", true, 2, 5)
                  .cas(2, "x", "1", "3", true, 3, 6)),
          "x",
          "cas(x, 1, 3) -> ok");
    }

    @Test
    void casOnAbsentKeyCreatesIt() {
      assertLinearizable(
          check(
              new KvHistoryBuilder()
                  .cas(1, "x", "a", "b", false, 0, 1)
                  .cas(1, "x", null, "a", true, 2, 3)
                  .get(2, "x", "a", 4, 5)));
    }

    @Test
    void casFailingAlthoughItsExpectationHeldIsNotLinearizable() {
      assertViolation(
          check(new KvHistoryBuilder().put(1, "x", "1", 0, 1).cas(2, "x", "1", "2", false, 2, 3)),
          "x",
          "cas(x, 1, 2) -> failed");
    }

    @Test
    void casSucceedingAfterTheValueChangedIsNotLinearizable() {
      assertViolation(
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .cas(1, "x", "1", "2", true, 2, 3)
                  .cas(2, "x", "1", "3", true, 4, 5)),
          "x",
          "cas(x, 1, 3) -> ok");
    }
  }

  @Nested
  class Partitioning {

    @Test
    void violationOnOneKeyIsReportedWithThatKey() {
      CheckResult<KvInput, KvOutput> result =
          check(
              new KvHistoryBuilder()
                  .put(1, "x", "1", 0, 1)
                  .put(2, "y", "1", 0, 1)
                  .put(3, "z", "1", 0, 1)
                  .put(1, "y", "2", 2, 3)
                  .get(2, "x", "1", 4, 5)
                  .get(3, "y", "1", 4, 5)
                  .get(1, "z", "1", 4, 5));

      assertViolation(result, "y", "get(y) -> 1");
      assertThat(result.violations()).hasSize(1);
      assertThat(result.partitions())
          .extracting(PartitionResult::key, PartitionResult::verdict)
          .containsExactly(
              tuple("x", Verdict.LINEARIZABLE),
              tuple("y", Verdict.NOT_LINEARIZABLE),
              tuple("z", Verdict.LINEARIZABLE));
      assertThat(result.describe()).doesNotContain("partition x").doesNotContain("partition z");
    }

    @Test
    void everyViolatedKeyIsReported() {
      CheckResult<KvInput, KvOutput> result =
          check(
              new KvHistoryBuilder()
                  .get(1, "a", "ghost", 0, 1)
                  .get(1, "b", null, 2, 3)
                  .get(1, "c", "phantom", 4, 5));

      assertThat(result.violations()).extracting(PartitionResult::key).containsExactly("a", "c");
      assertThat(result.describe()).contains("get(a) -> ghost").contains("get(c) -> phantom");
    }

    @Test
    void writesToOtherKeysDoNotExplainARead() {
      assertViolation(
          check(new KvHistoryBuilder().put(1, "x", "1", 0, 1).get(2, "y", "1", 2, 3)),
          "y",
          "get(y) -> 1");
    }
  }
}
