package dev.raftboot.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The whole machine's CPU time from {@code /proc/stat}: what the three node JVMs, their clients and
 * the kernel's work for them (syncs, loopback, wake-ups) cost together, since the benchmark runs
 * all of them on one machine. Empty where there is no {@code /proc/stat}.
 */
final class MachineCpu {
  /** Clock ticks per second of {@code /proc/stat} (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private final long busyTicks;
  private final long allTicks;

  private MachineCpu(long busyTicks, long allTicks) {
    this.busyTicks = busyTicks;
    this.allTicks = allTicks;
  }

  /** The counters now, or empty where the machine has no {@code /proc/stat}. */
  static Optional<MachineCpu> now() {
    // A line at a time: /proc files report a size of 0, which whole-file reads may trust.
    try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/stat"))) {
      String line = in.readLine();
      return line == null || !line.startsWith("cpu ") ? Optional.empty() : Optional.of(parse(line));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The aggregate "cpu" line: user nice system idle iowait irq softirq steal ... */
  static MachineCpu parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    long user = Long.parseLong(f[1]);
    long nice = Long.parseLong(f[2]);
    long system = Long.parseLong(f[3]);
    long idle = Long.parseLong(f[4]);
    long iowait = Long.parseLong(f[5]);
    long irq = Long.parseLong(f[6]);
    long softirq = Long.parseLong(f[7]);
    long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
    long busy = user + nice + system + irq + softirq + steal;
    return new MachineCpu(busy, busy + idle + iowait);
  }

  /** Seconds of CPU the machine spent busy since {@code earlier} (all cores together). */
  double busySecondsSince(MachineCpu earlier) {
    return (busyTicks - earlier.busyTicks) / TICKS_PER_SECOND;
  }

  /** The share of all cores' time that was busy since {@code earlier}, in percent. */
  double busyPercentSince(MachineCpu earlier) {
    long all = allTicks - earlier.allTicks;
    return all == 0 ? 0 : 100.0 * (busyTicks - earlier.busyTicks) / all;
  }
}
