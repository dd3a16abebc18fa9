package dev.raftboot.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of the checker that does not depend on a particular model. */
class LinearizabilityCheckerTest {

  private final KvModel kv = new KvModel();
  private final CounterModel counter = new CounterModel();

  private static Operation<String, Integer> counterOp(
      int client, String input, int output, long invoked, long responded) {
    return Operation.completed(client, input, output, invoked, responded);
  }

  @Test
  void modelWithoutPartitioningIsCheckedAsOneWholeHistory() {
    History<String, Integer> history =
        History.of(
            counterOp(1, "inc", 1, 0, 10),
            counterOp(2, "inc", 2, 1, 9),
            counterOp(3, "read", 2, 11, 12),
            counterOp(3, "read", 1, 13, 14));

    CheckResult<String, Integer> result = LinearizabilityChecker.check(counter, history);

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.violations().get(0).key()).isEqualTo(Partition.WHOLE_HISTORY);
    assertThat(result.describe())
        .contains("partition (whole history) (4 operations): NOT_LINEARIZABLE")
        .contains("client 3 [13, 14] read -> 1");
  }

  @Test
  void emptyHistoryOfUnpartitionedModelIsLinearizable() {
    CheckResult<String, Integer> result =
        LinearizabilityChecker.check(counter, History.<String, Integer>of(List.of()));

    assertThat(result.isLinearizable()).isTrue();
    assertThat(result.partitions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.operationCount()).isZero();
              assertThat(p.linearization()).isEmpty();
            });
  }

  @Test
  void operationRespondingWhenAnotherIsInvokedIsConcurrentWithIt() {
    // The put responds at 5 and the get is invoked at 5: either may take effect first.
    History<KvInput, KvOutput> tied =
        new KvHistoryBuilder().put(1, "x", "1", 0, 5).get(2, "x", null, 5, 6).build();
    History<KvInput, KvOutput> ordered =
        new KvHistoryBuilder().put(1, "x", "1", 0, 5).get(2, "x", null, 6, 7).build();

    assertThat(LinearizabilityChecker.check(kv, tied).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(LinearizabilityChecker.check(kv, ordered).verdict())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void instantaneousOperationsAtTheSameTimeAreConcurrent() {
    History<KvInput, KvOutput> history =
        new KvHistoryBuilder()
            .get(1, "x", "1", 3, 3)
            .put(2, "x", "1", 3, 3)
            .get(3, "x", null, 3, 3)
            .build();

    CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(kv, history);

    assertThat(result.isLinearizable()).as(result.describe()).isTrue();
  }

  @Test
  void witnessOfLinearizableHistoryIsAValidOrder() {
    History<KvInput, KvOutput> history =
        new KvHistoryBuilder()
            .put(1, "x", "1", 0, 10)
            .get(2, "x", "2", 1, 8)
            .put(3, "x", "2", 2, 4)
            .get(2, "x", "1", 9, 12)
            .build();

    CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(kv, history);

    List<Operation<KvInput, KvOutput>> witness = result.partitions().get(0).linearization();
    assertThat(witness).hasSize(4);
    assertThat(BruteForceLinearizability.isValidWitness(kv, history.operations(), witness))
        .isTrue();
  }

  @Test
  void longSequentialHistoriesDoNotExhaustTheStack() {
    int length = 50_000;
    KvHistoryBuilder builder = new KvHistoryBuilder();
    for (int i = 0; i < length; i++) {
      builder.put(1, "x", "v" + i, 2L * i, 2L * i + 1);
    }
    builder.get(2, "x", "v0", 2L * length, 2L * length + 1);

    CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(kv, builder.build());

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    PartitionResult<KvInput, KvOutput> violation = result.violations().get(0);
    assertThat(violation.linearization()).hasSize(length);
    assertThat(result.describe())
        .contains("... " + (length - ReportFormatter.MAX_PREFIX_LINES) + " earlier operations")
        .contains(length + ". client 1")
        .contains("get(x) -> v0   <- responded before any order could place it");
  }

  @Test
  void stepLimitYieldsUnknownInsteadOfAVerdict() {
    KvHistoryBuilder builder = new KvHistoryBuilder();
    for (int i = 0; i < 100; i++) {
      builder.put(1, "x", "v" + i, i, i);
    }

    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(kv, builder.build(), SearchLimits.ofMaxSteps(10));

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.isLinearizable()).isFalse();
    assertThat(result.modelSteps()).isEqualTo(10);
    assertThat(result.describe())
        .startsWith("UNKNOWN")
        .contains("partition x (100 operations): UNKNOWN, search limits reached");
  }

  @Test
  void violationFoundWithinLimitsOutranksUndecidedPartitions() {
    KvHistoryBuilder builder = new KvHistoryBuilder().get(1, "a", "ghost", 0, 1);
    for (int i = 0; i < 100; i++) {
      builder.put(1, "b", "v" + i, i, i);
    }
    builder.get(1, "c", null, 0, 1);

    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(kv, builder.build(), SearchLimits.ofMaxSteps(20));

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.partitions())
        .extracting(PartitionResult::verdict)
        .containsExactly(Verdict.NOT_LINEARIZABLE, Verdict.UNKNOWN, Verdict.UNKNOWN);
  }

  @Test
  void exhaustedTimeoutYieldsUnknown() {
    // Refuting a read of a value nobody wrote, concurrent with 14 writes, means trying every
    // subset and order of the writes: far more than the 1024 steps between deadline checks.
    KvHistoryBuilder builder = new KvHistoryBuilder();
    for (int i = 0; i < 14; i++) {
      builder.put(i, "x", "v" + i, 0, 100);
    }
    builder.get(99, "x", "ghost", 50, 100);

    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(
            kv, builder.build(), SearchLimits.ofTimeout(Duration.ofNanos(1)));

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> SearchLimits.ofMaxSteps(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SearchLimits.ofTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void operationsAreValidated() {
    assertThatThrownBy(() -> Operation.completed(1, "inc", 1, 5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("precedes");
    assertThatThrownBy(() -> new Operation<>(1, "inc", 1, 0, Long.MAX_VALUE, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Operation<>(1, "inc", null, 0, 10, true))
        .isInstanceOf(IllegalArgumentException.class);
    Operation<String, Integer> ambiguous = Operation.ambiguous(1, "inc", 7);
    assertThat(ambiguous.ambiguous()).isTrue();
    assertThat(ambiguous.output()).isNull();
    assertThat(ambiguous.responseTime()).isEqualTo(Long.MAX_VALUE);
  }
}
