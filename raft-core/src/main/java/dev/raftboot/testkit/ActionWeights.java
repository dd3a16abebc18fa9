package dev.raftboot.testkit;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/** How likely each {@link SimAction} is; immutable, derived with {@link #with}. */
public final class ActionWeights {
  private final EnumMap<SimAction, Integer> weights;
  private final int total;

  private ActionWeights(EnumMap<SimAction, Integer> weights) {
    this.weights = weights;
    int sum = 0;
    for (int w : weights.values()) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must not be negative: " + weights);
      }
      sum += w;
    }
    if (sum == 0) {
      throw new IllegalArgumentException("at least one action needs a positive weight");
    }
    this.total = sum;
  }

  /** A mix of every fault with enough ordinary traffic that the cluster makes progress. */
  public static ActionWeights defaults() {
    EnumMap<SimAction, Integer> w = new EnumMap<>(SimAction.class);
    w.put(SimAction.TICK, 25);
    w.put(SimAction.DELIVER, 20);
    w.put(SimAction.DELIVER_ALL, 10);
    w.put(SimAction.READY, 15);
    w.put(SimAction.READY_ALL, 10);
    w.put(SimAction.DROP, 2);
    w.put(SimAction.DUPLICATE, 2);
    w.put(SimAction.CRASH, 1);
    w.put(SimAction.RESTART, 2);
    w.put(SimAction.PARTITION, 1);
    w.put(SimAction.PARTITION_ONE_WAY, 1);
    w.put(SimAction.HEAL, 1);
    w.put(SimAction.PROPOSE, 6);
    w.put(SimAction.READ, 4);
    w.put(SimAction.CONF_CHANGE, 1);
    w.put(SimAction.TRANSFER, 1);
    w.put(SimAction.COMPACT, 2);
    return new ActionWeights(w);
  }

  /** Only ticks, deliveries and Readies: a fault-free network. */
  public static ActionWeights faultFree() {
    return defaults()
        .with(SimAction.DROP, 0)
        .with(SimAction.DUPLICATE, 0)
        .with(SimAction.CRASH, 0)
        .with(SimAction.RESTART, 0)
        .with(SimAction.PARTITION, 0)
        .with(SimAction.PARTITION_ONE_WAY, 0)
        .with(SimAction.HEAL, 0)
        .with(SimAction.CONF_CHANGE, 0)
        .with(SimAction.TRANSFER, 0);
  }

  public ActionWeights with(SimAction action, int weight) {
    EnumMap<SimAction, Integer> w = new EnumMap<>(weights);
    w.put(action, weight);
    return new ActionWeights(w);
  }

  public int weight(SimAction action) {
    return weights.getOrDefault(action, 0);
  }

  SimAction pick(SplittableRandom random) {
    int r = random.nextInt(total);
    for (Map.Entry<SimAction, Integer> e : weights.entrySet()) {
      r -= e.getValue();
      if (r < 0) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  @Override
  public String toString() {
    return weights.toString();
  }
}
