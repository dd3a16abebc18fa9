package dev.raftboot.benchmarks.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the measured code paths (writes on the leader and through a follower, a single writer, reads
 * of each kind) until the JIT compilers of all three JVMs have settled, at most {@code maxSeconds}.
 *
 * <p>Why not a fixed warm-up: three JVMs on two cores compile for a long time. C2 compiles of the
 * gRPC, Netty and Raft hot paths take 0.1–1.7 s each and went on for ~30 s under load in profiles,
 * taking half the machine's CPU meanwhile; a write figure taken 3 s after start measured the
 * compilers (5,000 writes/s) rather than the code (20,000 after the compilers were done). A round
 * is settled when no node spent more than {@link #SETTLED_COMPILE_MS} compiling during it.
 */
final class WarmUp {
  /** Compile time per node per round under which its JIT counts as settled (~1% of a core). */
  static final long SETTLED_COMPILE_MS = 100;

  private static final Duration ANSWER = Duration.ofSeconds(120);
  private static final double ROUND_SECONDS = 8;

  private final BenchCluster cluster;
  private final double maxSeconds;

  WarmUp(BenchCluster cluster, double maxSeconds) {
    this.cluster = cluster;
    this.maxSeconds = maxSeconds;
  }

  void run() throws IOException, InterruptedException {
    double left = maxSeconds;
    int round = 0;
    while (left > 0) {
      round++;
      double scale = Math.min(1, left / ROUND_SECONDS);
      List<Long> before = compileMillis();
      NodeProcess leader = cluster.leader(ANSWER);
      NodeProcess follower = cluster.follower(leader);
      leader.ask("load 64 " + 2 * scale, ANSWER);
      follower.ask("load 64 " + 2 * scale, ANSWER);
      // A lone writer takes other branches (batches of one): compiled separately.
      leader.ask("load 1 " + scale, ANSWER);
      leader.ask("read 64 " + scale, ANSWER);
      follower.ask("read 64 " + scale, ANSWER);
      leader.ask("lease 64 " + scale, ANSWER);
      left -= ROUND_SECONDS * scale;
      List<Long> spent = new ArrayList<>();
      List<Long> after = compileMillis();
      for (int i = 0; i < after.size(); i++) {
        spent.add(after.get(i) - before.get(i));
      }
      boolean settled = spent.stream().allMatch(ms -> ms <= SETTLED_COMPILE_MS);
      System.out.printf(
          "   warm-up round %d: JIT compile ms per node %s%s%n",
          round, spent, settled ? ", settled" : "");
      if (settled) {
        return;
      }
    }
  }

  private List<Long> compileMillis() throws IOException {
    List<Long> ms = new ArrayList<>();
    for (NodeProcess node : cluster.nodes()) {
      ms.add(Long.parseLong(NodeProcess.fields(node.ask("jit", ANSWER)).get("compileMs")));
    }
    return ms;
  }
}
