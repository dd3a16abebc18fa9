package dev.raftboot.testkit;

import java.util.List;

/**
 * A simulation broke an invariant or a liveness bound. Carries the seed that reproduces it and the
 * trace of steps up to the failure: the first step at which the check failed, so the trace is the
 * shortest prefix of this run that shows it.
 */
public final class SimulationFailure extends AssertionError {
  private final long seed;
  private final long step;
  private final List<String> trace;

  public SimulationFailure(String problem, long seed, long step, List<String> trace) {
    super(format(problem, seed, step, trace));
    this.seed = seed;
    this.step = step;
    this.trace = List.copyOf(trace);
  }

  private static String format(String problem, long seed, long step, List<String> trace) {
    StringBuilder sb = new StringBuilder();
    sb.append(problem)
        .append("\n  seed ")
        .append(seed)
        .append(" failed at step ")
        .append(step)
        .append(" (re-run with -Draft.sim.seed=")
        .append(seed)
        .append(")\n  last steps:");
    int from = Math.max(0, trace.size() - 80);
    for (int i = from; i < trace.size(); i++) {
      sb.append("\n    ").append(trace.get(i));
    }
    return sb.toString();
  }

  public long seed() {
    return seed;
  }

  public long step() {
    return step;
  }

  public List<String> trace() {
    return trace;
  }
}
