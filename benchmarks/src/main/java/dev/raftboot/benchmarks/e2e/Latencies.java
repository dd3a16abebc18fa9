package dev.raftboot.benchmarks.e2e;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, kept whole (no histogram buckets) so percentiles are exact. One
 * instance per client thread; merged at the end.
 */
final class Latencies {
  private long[] samples = new long[1 << 14];
  private int size;

  void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  int size() {
    return size;
  }

  static Latencies merge(Iterable<Latencies> parts) {
    Latencies all = new Latencies();
    for (Latencies part : parts) {
      for (int i = 0; i < part.size; i++) {
        all.add(part.samples[i]);
      }
    }
    Arrays.sort(all.samples, 0, all.size);
    return all;
  }

  /** The {@code q}-quantile in microseconds of merged (sorted) samples, or 0 with none. */
  double micros(double q) {
    if (size == 0) {
      return 0;
    }
    int i = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
    return samples[Math.max(0, i)] / 1_000.0;
  }

  /** The mean in microseconds. */
  double meanMicros() {
    if (size == 0) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += samples[i];
    }
    return sum / size / 1_000.0;
  }

  /** {@code p50us=.. p99us=.. p999us=.. maxus=.. meanus=..} of merged samples. */
  String summary() {
    return String.format(
        "p50us=%.0f p99us=%.0f p999us=%.0f maxus=%.0f meanus=%.0f",
        micros(0.50), micros(0.99), micros(0.999), micros(1.0), meanMicros());
  }
}
