package dev.p2ptunnel.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything measured on one lab variant, as the JSON result carries it: lists hold one value per run. MB = 10^6
 * bytes. Not thread-safe (the harness thread fills it).
 */
final class VariantResult {
  public final String variant;
  public final String iceServers;
  public String rawPath = "";
  public String tunnelPath = "";
  public final List<Double> rawMBps = new ArrayList<>();
  public final List<Double> tunnel1MBps = new ArrayList<>();
  public final List<Double> tunnel8MBps = new ArrayList<>();
  /** Host process start to the first byte echoed through the client's port. */
  public final List<Long> setupMs = new ArrayList<>();
  /** Host process start to its session ID (JVM start, factory, signaling registration). */
  public final List<Long> setupHostReadyMs = new ArrayList<>();
  /** Client process start to the first echoed byte (JVM start, join, approval, ICE, DTLS, SCTP, first byte). */
  public final List<Long> setupClientMs = new ArrayList<>();
  public @Nullable Percentiles tunnelLatency;
  public @Nullable Percentiles rawLatency;
  public final List<Double> fairnessBaselineMBps = new ArrayList<>();
  public final List<Double> fairnessStalledMBps = new ArrayList<>();
  /** The many-connections step, null when it did not run. */
  public @Nullable ConnectionsResult connections;
  public final List<String> errors = new ArrayList<>();

  VariantResult(String variant, String iceServers) {
    this.variant = variant;
    this.iceServers = iceServers;
  }

  static double median(List<? extends Number> values) {
    return percentile(values, 0.5);
  }

  /** Nearest rank; NaN for no values. */
  static double percentile(List<? extends Number> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
