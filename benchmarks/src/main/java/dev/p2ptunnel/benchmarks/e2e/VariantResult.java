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
  /** CPU ms of the demo host and client JVMs (launcher included) from their start to the first echoed byte. */
  public final List<Long> setupCpuHostMs = new ArrayList<>();
  public final List<Long> setupCpuClientMs = new ArrayList<>();
  /** The same setup with P2P_TUNNEL_CDS=off (one JVM per side, no class archive), alternating with the above. */
  public final List<Long> oneJvmSetupHostReadyMs = new ArrayList<>();
  public final List<Long> oneJvmSetupClientMs = new ArrayList<>();
  public final List<Long> oneJvmSetupCpuHostMs = new ArrayList<>();
  public final List<Long> oneJvmSetupCpuClientMs = new ArrayList<>();
  /** CPU seconds per GB (10^9 bytes) carried, 1 stream: tunnel host (receiver) and client (sender) JVMs. */
  public final List<Double> tunnelCpuPerGbHost = new ArrayList<>();
  public final List<Double> tunnelCpuPerGbClient = new ArrayList<>();
  /** The same for the raw DataChannel: answerer (receiver, host side) and offerer (sender, client side). */
  public final List<Double> rawCpuPerGbAnswerer = new ArrayList<>();
  public final List<Double> rawCpuPerGbOfferer = new ArrayList<>();
  /** redis-benchmark requests/s (mean of SET and GET) per configuration, on the host's loopback and tunnelled. */
  public final java.util.Map<String, List<Double>> redisDirectRps = new java.util.LinkedHashMap<>();
  public final java.util.Map<String, List<Double>> redisTunnelRps = new java.util.LinkedHashMap<>();
  /** 1 KiB round trips through the tunnel, alone and while one download runs through the same tunnel. */
  public final List<Percentiles> rtt1kIdle = new ArrayList<>();
  public final List<Percentiles> rtt1kLoaded = new ArrayList<>();
  /** The download's MB/s alone and while the round trips run. */
  public final List<Double> downloadAloneMBps = new ArrayList<>();
  public final List<Double> downloadLoadedMBps = new ArrayList<>();
  /** UDP datagrams dropped for a full receive buffer in the host's and the client's namespace during those runs. */
  public final List<Double> udpDropsLoadedHost = new ArrayList<>();
  public final List<Double> udpDropsLoadedClient = new ArrayList<>();
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
