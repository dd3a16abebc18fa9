package dev.raftboot.benchmarks.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Figures measured once per run, by name, summarised as median and range over the runs. */
final class Figures {
  private final Map<String, List<Double>> byName = new LinkedHashMap<>();

  void add(String name, double value) {
    byName.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
  }

  /** Adds {@code fields.get(key)} of a node's reply under {@code prefix.key}. */
  void add(String prefix, Map<String, String> fields, String... keys) {
    for (String key : keys) {
      add(prefix + "." + key, Double.parseDouble(fields.get(key)));
    }
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  double median(String name) {
    List<Double> values = new ArrayList<>(byName.get(name));
    values.sort(Double::compare);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  /** One line per figure: median, min–max, and every run's value. */
  String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%-32s %12s %25s   %s%n", "figure", "median", "min - max", "runs"));
    byName.forEach(
        (name, values) -> {
          double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
          double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
          StringBuilder runs = new StringBuilder();
          values.forEach(v -> runs.append(String.format("%.1f ", v)));
          out.append(
              String.format(
                  "%-32s %12.1f %12.1f - %-12.1f   %s%n", name, median(name), min, max, runs));
        });
    return out.toString();
  }
}
