package dev.raftboot.testkit.linearizability;

import java.util.Optional;

/**
 * A test model without partitioning: a counter whose increments return the new count and whose
 * reads return the current one. Inputs are "inc" or "read"; outputs the count seen.
 */
final class CounterModel implements Model<Integer, String, Integer> {

  @Override
  public Integer init() {
    return 0;
  }

  @Override
  public Optional<Integer> step(Integer count, String input, Integer output) {
    int next = input.equals("inc") ? count + 1 : count;
    return output == next ? Optional.of(next) : Optional.empty();
  }

  @Override
  public Optional<Integer> stepAmbiguous(Integer count, String input) {
    return Optional.of(input.equals("inc") ? count + 1 : count);
  }

  @Override
  public String describe(String input, Integer output) {
    return input + " -> " + (output == null ? "?" : output);
  }
}
