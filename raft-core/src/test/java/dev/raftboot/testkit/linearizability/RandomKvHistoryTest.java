package dev.raftboot.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large generated histories: linearizable by construction, then with one read corrupted. The step
 * limit only turns a runaway search into a clear failure; it is far above what these histories
 * need.
 */
class RandomKvHistoryTest {

  private static final int OPERATIONS = 4000;
  private static final int CLIENTS = 5;
  private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
  private static final double TIMEOUT_RATE = 0.01;
  private static final SearchLimits SAFETY_NET = SearchLimits.ofMaxSteps(50_000_000);

  private final KvModel model = new KvModel();

  private static History<KvInput, KvOutput> generate(long seed) {
    System.out.println("random key-value history seed: " + seed);
    return new RandomKvHistories(seed, CLIENTS, KEYS, TIMEOUT_RATE).generate(OPERATIONS);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 42L, 20260101L})
  void generatedHistoryIsLinearizable(long seed) {
    History<KvInput, KvOutput> history = generate(seed);

    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(model, history, SAFETY_NET);

    assertThat(result.verdict())
        .as("seed %d: %s", seed, result.describe())
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(result.partitions())
        .extracting(PartitionResult::key)
        .containsExactlyElementsOf(KEYS);
    for (PartitionResult<KvInput, KvOutput> partition : result.partitions()) {
      List<Operation<KvInput, KvOutput>> operations =
          model.partition(history).stream()
              .filter(p -> p.key().equals(partition.key()))
              .findFirst()
              .orElseThrow()
              .operations();
      assertThat(
              BruteForceLinearizability.isValidWitness(
                  model, operations, partition.linearization()))
          .as("seed %d, witness for %s", seed, partition.key())
          .isTrue();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7L, 42L, 20260101L})
  void staleReadInGeneratedHistoryIsFound(long seed) {
    History<KvInput, KvOutput> history = generate(seed);
    StaleReadCorruption corruption = StaleReadCorruption.find(history.operations());
    System.out.println("corrupted " + corruption);

    assertViolationNamesRead(seed, corruption.corruptedHistory(), corruption.corruptedRead());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {3L, 42L})
  void readOfNeverWrittenValueInGeneratedHistoryIsFound(long seed) {
    List<Operation<KvInput, KvOutput>> operations = new ArrayList<>(generate(seed).operations());
    int index = firstCompletedGetFrom(operations, operations.size() / 2);
    Operation<KvInput, KvOutput> original = operations.get(index);
    Operation<KvInput, KvOutput> corrupted =
        Operation.completed(
            original.clientId(),
            original.input(),
            KvOutput.value("never-written"),
            original.invocationTime(),
            original.responseTime());
    operations.set(index, corrupted);

    assertViolationNamesRead(seed, History.of(operations), corrupted);
  }

  /**
   * All five clients on one key, with timed-out writes that stay candidates to the end: the case
   * the search's dominance pruning of ambiguous operations exists for.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {2L})
  void hotKeyHistoryWithTimeoutsIsDecidedBothWays(long seed) {
    System.out.println("hot key history seed: " + seed);
    History<KvInput, KvOutput> history =
        new RandomKvHistories(seed, CLIENTS, List.of("hot"), TIMEOUT_RATE).generate(2000);

    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(model, history, SAFETY_NET);
    assertThat(result.verdict())
        .as("seed %d: %s", seed, result.describe())
        .isEqualTo(Verdict.LINEARIZABLE);

    StaleReadCorruption corruption = StaleReadCorruption.find(history.operations());
    System.out.println("corrupted " + corruption);
    assertViolationNamesRead(seed, corruption.corruptedHistory(), corruption.corruptedRead());
  }

  private void assertViolationNamesRead(
      long seed, History<KvInput, KvOutput> history, Operation<KvInput, KvOutput> read) {
    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(model, history, SAFETY_NET);

    assertThat(result.verdict())
        .as("seed %d: %s", seed, result.describe())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.violations())
        .as("seed %d", seed)
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.key()).isEqualTo(read.input().key());
              assertThat(violation.blockingOperation()).containsSame(read);
            });
    String rendered =
        "client "
            + read.clientId()
            + " ["
            + read.invocationTime()
            + ", "
            + read.responseTime()
            + "] "
            + model.describe(read.input(), read.output())
            + "   <- responded before any order could place it";
    assertThat(result.describe()).as("seed %d", seed).contains(rendered);
  }

  private static int firstCompletedGetFrom(
      List<Operation<KvInput, KvOutput>> operations, int from) {
    for (int i = from; i < operations.size(); i++) {
      Operation<KvInput, KvOutput> operation = operations.get(i);
      if (!operation.ambiguous() && operation.input().kind() == KvInput.Kind.GET) {
        return i;
      }
    }
    throw new IllegalStateException("no completed read after index " + from);
  }
}
