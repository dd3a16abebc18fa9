package dev.raftboot.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with a brute-force oracle on thousands of tiny random histories, most of
 * them wrong in some way, with many timestamp ties and ambiguous operations.
 */
class BruteForceAgreementTest {

  private static final long SEED = 0x5eed_1234L;
  private static final int HISTORIES = 4000;
  private static final String[] VALUES = {null, "a", "b"};

  private final KvModel model = new KvModel();

  @Test
  void checkerAgreesWithExhaustiveSearchOnTinyHistories() {
    System.out.println("brute-force agreement seed: " + SEED);
    Random random = new Random(SEED);
    int linearizable = 0;
    for (int i = 0; i < HISTORIES; i++) {
      History<KvInput, KvOutput> history = randomHistory(random, 1 + random.nextInt(8));
      boolean expected = BruteForceLinearizability.isLinearizable(model, history.operations());

      CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(model, history);

      String context = "history #" + i + " of seed " + SEED + ": " + history.operations();
      assertThat(result.verdict())
          .as(context)
          .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
      if (expected) {
        linearizable++;
        assertThat(
                BruteForceLinearizability.isValidWitness(
                    model, history.operations(), result.partitions().get(0).linearization()))
            .as(context)
            .isTrue();
      }
    }
    System.out.println(linearizable + " of " + HISTORIES + " random histories were linearizable");
    // Both verdicts must be exercised substantially for the comparison to mean anything.
    assertThat(linearizable).isBetween(HISTORIES / 10, HISTORIES * 9 / 10);
  }

  private static History<KvInput, KvOutput> randomHistory(Random random, int size) {
    List<Operation<KvInput, KvOutput>> operations = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      long invoked = random.nextInt(10);
      long responded = invoked + random.nextInt(5);
      int client = random.nextInt(4);
      String value = VALUES[1 + random.nextInt(2)];
      String expected = VALUES[random.nextInt(3)];
      KvInput input;
      KvOutput output;
      switch (random.nextInt(4)) {
        case 0 -> {
          input = KvInput.put("x", value);
          output = KvOutput.ack();
        }
        case 1 -> {
          input = KvInput.cas("x", expected, value);
          output = KvOutput.cas(random.nextBoolean());
        }
        case 2 -> {
          input = KvInput.delete("x");
          output = KvOutput.ack();
        }
        default -> {
          input = KvInput.get("x");
          output = KvOutput.value(VALUES[random.nextInt(3)]);
        }
      }
      operations.add(
          random.nextInt(4) == 0
              ? Operation.ambiguous(client, input, invoked)
              : Operation.completed(client, input, output, invoked, responded));
    }
    return History.of(operations);
  }
}
