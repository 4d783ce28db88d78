package dev.p2ptunnel.benchmarks.e2e;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a set of durations in nanoseconds. Immutable. */
record Percentiles(int count, double p50Us, double p90Us, double p99Us, double maxUs) {

  static Percentiles of(long[] valuesNs) {
    long[] sorted = valuesNs.clone();
    Arrays.sort(sorted);
    return new Percentiles(sorted.length, rank(sorted, 0.50) / 1e3, rank(sorted, 0.90) / 1e3,
        rank(sorted, 0.99) / 1e3, sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e3);
  }

  private static long rank(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** {@code latency count=… p50_us=… p90_us=… p99_us=… max_us=…}, what the tools print after {@code result }. */
  String line() {
    return String.format(Locale.ROOT, "latency count=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f", count,
        p50Us, p90Us, p99Us, maxUs);
  }
}
