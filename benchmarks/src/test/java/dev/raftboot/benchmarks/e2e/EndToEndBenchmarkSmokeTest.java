package dev.raftboot.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the end-to-end benchmark for a moment so it cannot rot: three node JVMs start, take writes
 * and reads, lose their leader to {@code kill -9}, recover, and hand leadership off on a graceful
 * shutdown. Asserts that every step produced its figures, never how fast they are.
 */
class EndToEndBenchmarkSmokeTest {

  @Test
  void threeNodeJvmsServeWritesAndReadsAndRecoverFromALeaderCrashAndShutdown(@TempDir Path dir)
      throws Exception {
    Figures figures =
        EndToEndBenchmark.run(
            Map.of(
                "runs", "1",
                "seconds", "0.5",
                "warmup", "0",
                "samples", "20",
                "clients", "8",
                "read-clients", "8",
                "tick-ms", "50",
                "settle-ms", "3000",
                "jvm", "-Xmx256m -XX:TieredStopAtLevel=1",
                "dir", dir.toString()));

    assertThat(figures.median("writes.leader.rate")).isPositive();
    assertThat(figures.median("writes.follower.rate")).isPositive();
    assertThat(figures.median("async-writes.leader.rate")).isPositive();
    assertThat(figures.median("async-writes.follower.rate")).isPositive();
    assertThat(figures.median("write1.rate")).isPositive();
    assertThat(figures.median("fsync.p50us")).isPositive();
    assertThat(figures.median("qsync.p50us")).isPositive();
    assertThat(figures.median("rtt.p50us")).isPositive();
    assertThat(figures.median("reads.leader.rate")).isPositive();
    assertThat(figures.median("reads.follower.rate")).isPositive();
    assertThat(figures.median("async-reads.leader.rate")).isPositive();
    assertThat(figures.median("async-reads.lease.leader.rate")).isPositive();
    assertThat(figures.median("async-reads.follower.rate")).isPositive();
    // -1 would mean no write sent after the kill was ever acknowledged.
    assertThat(figures.median("crash.recoveryMs")).isPositive();
    assertThat(figures.median("shutdown.recoveryMs")).isPositive();
  }
}
