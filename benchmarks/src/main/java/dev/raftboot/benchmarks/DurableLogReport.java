package dev.raftboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RocksDbAppendBenchmark} and {@link DiskBaselineBenchmark} on one disk and prints the
 * durable-log table of docs/benchmarks.md: per batch size fsyncs/s, entries/s and WAL MB/s as the
 * median over every measured iteration of every fork (with the range), the batch's WAL bandwidth as
 * a share of the disk's synced sequential bandwidth, and the verdict against the storage goal. The
 * machine's load is printed too: on a shared machine the figures mean little without it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.raftboot.benchmarks.DurableLogReport \
 *     [--forks 3] [--warmup 3] [--iterations 5] [--seconds 2] [--dir /data]
 * </pre>
 */
public final class DurableLogReport {
  /** The storage issue's goal for batch 256: this many entries/s, or this share of bandwidth. */
  static final double GOAL_ENTRIES_PER_SECOND = 500_000;

  static final double GOAL_BANDWIDTH_SHARE = 0.80;

  private DurableLogReport() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Map<String, String> flags = parse(args);
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(RocksDbAppendBenchmark.class.getName())
            .include(DiskBaselineBenchmark.class.getName())
            .forks(Integer.parseInt(flags.getOrDefault("forks", "3")))
            .warmupIterations(Integer.parseInt(flags.getOrDefault("warmup", "3")))
            .measurementIterations(Integer.parseInt(flags.getOrDefault("iterations", "5")))
            .warmupTime(TimeValue.seconds(Long.parseLong(flags.getOrDefault("seconds", "2"))))
            .measurementTime(TimeValue.seconds(Long.parseLong(flags.getOrDefault("seconds", "2"))));
    if (flags.containsKey("dir")) {
      options.jvmArgsAppend("-Draft.bench.dir=" + flags.get("dir"));
    }
    String loadBefore = loadAverage();
    long[] cpuBefore = cpuTicks();
    Collection<RunResult> results = new Runner(options.build()).run();
    long[] cpuAfter = cpuTicks();
    System.out.println();
    System.out.println(report(results));
    System.out.printf(
        "cores %d; load average before %s, after %s; machine CPU busy during the run %.0f%%%n",
        Runtime.getRuntime().availableProcessors(),
        loadBefore,
        loadAverage(),
        busyPercent(cpuBefore, cpuAfter));
  }

  static String report(Collection<RunResult> results) {
    Map<String, List<IterationResult>> byName = new LinkedHashMap<>();
    for (RunResult run : results) {
      String method = run.getParams().getBenchmark();
      String name = method.substring(method.lastIndexOf('.') + 1);
      String batch = run.getParams().getParam("batch");
      String key = batch != null ? "batch " + batch : name;
      for (BenchmarkResult fork : run.getBenchmarkResults()) {
        byName.computeIfAbsent(key, k -> new ArrayList<>()).addAll(fork.getIterationResults());
      }
    }
    StringBuilder out = new StringBuilder();
    Stat sequential = stat(byName.get("sequentialWrite"), r -> secondary(r, "bytes"));
    out.append("Disk (median, range over all measured iterations)\n\n");
    out.append("| baseline | syncs/s | MB/s |\n|---|---|---|\n");
    for (String name : List.of("syncAppend", "syncOverwrite", "sequentialWrite")) {
      List<IterationResult> rs = byName.get(name);
      if (rs != null) {
        out.append(
            String.format(
                "| %s | %s | %s |%n",
                name,
                stat(rs, r -> r.getPrimaryResult().getScore()).format(1),
                stat(rs, r -> secondary(r, "bytes")).format(1e-6)));
      }
    }
    out.append("\nAppends of 128-byte entries, one synced write per batch\n\n");
    out.append(
        "| batch | fsyncs/s | entries/s | WAL MB/s | % of sequential MB/s |"
            + " WAL syncs per write | background MB/s |\n");
    out.append("|---|---|---|---|---|---|---|\n");
    Stat batch256 = null;
    Stat wal256 = null;
    for (String batch : List.of("1", "16", "256")) {
      List<IterationResult> rs = byName.get("batch " + batch);
      if (rs == null) {
        continue;
      }
      Stat fsyncs = stat(rs, r -> r.getPrimaryResult().getScore());
      Stat entries = stat(rs, r -> secondary(r, "entries"));
      Stat wal = stat(rs, r -> secondary(r, "walBytes"));
      Stat syncsPerWrite =
          stat(rs, r -> secondary(r, "walSyncs") / r.getPrimaryResult().getScore());
      Stat background = stat(rs, r -> secondary(r, "flushBytes") + secondary(r, "compactionBytes"));
      String share = sequential == null ? "-" : percent(wal.median / sequential.median);
      out.append(
          String.format(
              "| %s | %s | %s | %s | %s | %.2f | %.1f |%n",
              batch,
              fsyncs.format(1),
              entries.format(1),
              wal.format(1e-6),
              share,
              syncsPerWrite.median,
              background.median * 1e-6));
      if (batch.equals("256")) {
        batch256 = entries;
        wal256 = wal;
      }
    }
    if (batch256 != null && sequential != null) {
      double share = wal256.median / sequential.median;
      boolean met = batch256.median >= GOAL_ENTRIES_PER_SECOND || share >= GOAL_BANDWIDTH_SHARE;
      out.append(
          String.format(
              "%nGoal (batch 256: >= %,.0f entries/s or >= %s of sequential MB/s): %s"
                  + " (median %,.0f entries/s, %s of sequential MB/s)%n",
              GOAL_ENTRIES_PER_SECOND,
              percent(GOAL_BANDWIDTH_SHARE),
              met ? "MET" : "NOT MET",
              batch256.median,
              percent(share)));
    }
    return out.toString();
  }

  private static double secondary(IterationResult r, String name) {
    var result = r.getSecondaryResults().get(name);
    return result == null ? Double.NaN : result.getScore();
  }

  private static String percent(double share) {
    return String.format("%.1f%%", share * 100);
  }

  /** Median and range of one figure over iterations. */
  record Stat(double median, double min, double max) {
    /** Scaled, e.g. 1e-6 for MB; whole numbers, or one decimal for MB. */
    String format(double scale) {
      String f = scale < 1 ? "%,.1f" : "%,.0f";
      return String.format(f + " (" + f + "–" + f + ")", median * scale, min * scale, max * scale);
    }
  }

  static Stat stat(List<IterationResult> results, Function<IterationResult, Double> figure) {
    if (results == null || results.isEmpty()) {
      return null;
    }
    List<Double> values = new ArrayList<>();
    for (IterationResult r : results) {
      values.add(figure.apply(r));
    }
    values.sort(Double::compare);
    int n = values.size();
    double median =
        n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    return new Stat(median, values.get(0), values.get(n - 1));
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: DurableLogReport [--forks N] [--warmup N] [--iterations N] [--seconds S]"
                + " [--dir DIR]; got '"
                + args[i]
                + "'");
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    return flags;
  }

  private static String loadAverage() throws IOException {
    Path loadavg = Path.of("/proc/loadavg");
    if (!Files.exists(loadavg)) {
      return "unknown";
    }
    String[] fields = Files.readString(loadavg).trim().split("\\s+");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  /** Busy and total CPU ticks of the whole machine, from /proc/stat ({0, 0} if unavailable). */
  private static long[] cpuTicks() throws IOException {
    Path stat = Path.of("/proc/stat");
    if (!Files.exists(stat)) {
      return new long[] {0, 0};
    }
    String[] f = Files.readAllLines(stat).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length; i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
    return new long[] {total - idle, total};
  }

  private static double busyPercent(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total == 0 ? Double.NaN : 100.0 * (after[0] - before[0]) / total;
  }
}
