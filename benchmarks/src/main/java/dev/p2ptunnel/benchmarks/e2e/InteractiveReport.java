package dev.p2ptunnel.benchmarks.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of issue 15 (interactive performance: many small messages, latency under load, fast start, CPU per byte)
 * in the e2e report: a second table after the throughput one, and their summary in the JSON. Each row names what it is
 * compared with: redis on the host's loopback, the same tunnel idle, or the raw DataChannel. Stateless.
 */
final class InteractiveReport {
  static final double SETUP_CLIENT_TARGET_MS = 800;
  static final double SETUP_HOST_TARGET_MS = 500;
  static final double SETUP_CPU_TARGET_S = 2.0;

  private InteractiveReport() {}

  static void table(StringBuilder md, List<VariantResult> results) {
    if (results.stream().noneMatch(InteractiveReport::hasRows)) {
      return;
    }
    md.append("\nInteractive workloads, latency under load, start and CPU (issue 15): medians of the runs.\n\n");
    md.append("| path | measurement | tunnel | compared with | tunnel vs that | target | met |\n");
    md.append("|---|---|---:|---:|---:|---|---|\n");
    for (VariantResult r : results) {
      String path = r.variant + " (" + r.iceServers + ", " + (r.tunnelPath.isEmpty() ? "?" : r.tunnelPath) + ")";
      redis(md, path, r);
      loaded(md, path, r);
      setup(md, path, r);
      cpu(md, path, r);
    }
  }

  private static boolean hasRows(VariantResult r) {
    return !r.redisTunnelRps.isEmpty() || !r.rtt1kIdle.isEmpty() || !r.setupCpuHostMs.isEmpty()
        || !r.tunnelCpuPerGbHost.isEmpty();
  }

  private static void redis(StringBuilder md, String path, VariantResult r) {
    for (Map.Entry<String, List<Double>> e : r.redisTunnelRps.entrySet()) {
      double tunnel = VariantResult.median(e.getValue());
      double direct = VariantResult.median(r.redisDirectRps.getOrDefault(e.getKey(), List.of()));
      String target;
      boolean met;
      if (e.getKey().equals("-c 1 -P 1") && r.rawLatency != null) {
        double bound = 1e6 / r.rawLatency.p50Us();
        target = String.format(Locale.ROOT, "≥ 1/1.3 of 1 / raw 64 B RTT (%.0f): %.0f", bound, bound / 1.3);
        met = tunnel >= bound / 1.3;
      } else if (e.getKey().equals("-c 1 -P 1")) {
        target = "≥ 1/1.3 of 1 / raw 64 B RTT (raw latency not measured)";
        met = false;
      } else {
        target = "≥ 40 %";
        met = tunnel / direct >= 0.4;
      }
      md.append(String.format(Locale.ROOT, "| %s | redis-benchmark %s -t set,get (req/s) vs redis on the host's "
          + "loopback | %.0f | %.0f | %.0f %% | %s | %s |%n", path, e.getKey(), tunnel, direct, tunnel / direct * 100,
          target, Report.met(met)));
    }
    if (!r.redisTunnelRps.isEmpty()) {
      StringBuilder runs = new StringBuilder();
      r.redisTunnelRps.forEach((k, v) -> runs.append(runs.length() == 0 ? "" : "; ").append(k).append(" tunnel ")
          .append(whole(v)).append(", direct ").append(whole(r.redisDirectRps.getOrDefault(k, List.of()))));
      md.append("| ").append(path).append(" | redis, all runs (req/s): ").append(runs).append(" | | | | | |\n");
    }
  }

  private static void loaded(StringBuilder md, String path, VariantResult r) {
    if (r.rtt1kIdle.isEmpty() || r.rtt1kLoaded.isEmpty()) {
      return;
    }
    double idle50 = VariantResult.median(LoadedLatencyStep.p50Ms(r.rtt1kIdle));
    double loaded50 = VariantResult.median(LoadedLatencyStep.p50Ms(r.rtt1kLoaded));
    double idle99 = VariantResult.median(LoadedLatencyStep.p99Ms(r.rtt1kIdle));
    double loaded99 = VariantResult.median(LoadedLatencyStep.p99Ms(r.rtt1kLoaded));
    md.append(String.format(Locale.ROOT, "| %s | 1 KiB round trip p50 (ms) during a download vs idle | %.2f | %.2f "
        + "| %+.2f ms | ≤ +2 ms | %s |%n", path, loaded50, idle50, loaded50 - idle50, Report.met(loaded50 - idle50 <= 2)));
    md.append(String.format(Locale.ROOT, "| %s | 1 KiB round trip p99 (ms) during a download vs idle | %.2f | %.2f "
        + "| %+.2f ms | ≤ +5 ms | %s |%n", path, loaded99, idle99, loaded99 - idle99, Report.met(loaded99 - idle99 <= 5)));
    double during = VariantResult.median(r.downloadLoadedMBps);
    double alone = VariantResult.median(r.downloadAloneMBps);
    md.append(String.format(Locale.ROOT, "| %s | download (MB/s) during the round trips vs alone | %.1f | %.1f | "
        + "%.0f %% | ≥ 90 %% | %s |%n", path, during, alone, during / alone * 100, Report.met(during / alone >= 0.9)));
    md.append(String.format(Locale.ROOT, "| %s | all runs: p50 idle %s, during %s; p99 idle %s, during %s (ms); "
        + "download alone %s, during %s (MB/s); UDP receive-buffer drops during, host %s, client %s | | | | | |%n",
        path, Report.list2(LoadedLatencyStep.p50Ms(r.rtt1kIdle)),
        Report.list2(LoadedLatencyStep.p50Ms(r.rtt1kLoaded)), Report.list2(LoadedLatencyStep.p99Ms(r.rtt1kIdle)),
        Report.list2(LoadedLatencyStep.p99Ms(r.rtt1kLoaded)), Report.list(r.downloadAloneMBps),
        Report.list(r.downloadLoadedMBps), Report.list(r.udpDropsLoadedHost), Report.list(r.udpDropsLoadedClient)));
  }

  private static void setup(StringBuilder md, String path, VariantResult r) {
    if (r.setupCpuHostMs.isEmpty()) {
      return;
    }
    double client = VariantResult.percentile(r.setupClientMs, 0.5);
    double host = VariantResult.percentile(r.setupHostReadyMs, 0.5);
    md.append(String.format(Locale.ROOT, "| %s | setup: client start → first byte p50 (ms), host waiting | %.0f | – | "
        + "– | ≤ %.0f ms | %s |%n", path, client, SETUP_CLIENT_TARGET_MS, Report.met(client <= SETUP_CLIENT_TARGET_MS)));
    md.append(String.format(Locale.ROOT, "| %s | setup: host start → Session ID p50 (ms) | %.0f | – | – | ≤ %.0f ms | "
        + "%s |%n", path, host, SETUP_HOST_TARGET_MS, Report.met(host <= SETUP_HOST_TARGET_MS)));
    List<Double> both = new ArrayList<>();
    for (int i = 0; i < r.setupCpuHostMs.size(); i++) {
      both.add((r.setupCpuHostMs.get(i) + r.setupCpuClientMs.get(i)) / 1e3);
    }
    double cpu = VariantResult.median(both);
    md.append(String.format(Locale.ROOT, "| %s | setup: CPU seconds of both demo JVMs, start → first byte (host %.2f + "
        + "client %.2f, medians) | %.2f | – | – | ≤ %.1f s | %s |%n", path,
        VariantResult.median(r.setupCpuHostMs) / 1e3, VariantResult.median(r.setupCpuClientMs) / 1e3, cpu,
        SETUP_CPU_TARGET_S, Report.met(cpu <= SETUP_CPU_TARGET_S)));
    if (!r.oneJvmSetupCpuHostMs.isEmpty()) {
      List<Double> one = new ArrayList<>();
      for (int i = 0; i < r.oneJvmSetupCpuHostMs.size(); i++) {
        one.add((r.oneJvmSetupCpuHostMs.get(i) + r.oneJvmSetupCpuClientMs.get(i)) / 1e3);
      }
      md.append(String.format(Locale.ROOT, "| %s | setup without the class archive (P2P_TUNNEL_CDS=off, one JVM per "
          + "side, as recorded before): client → first byte %.0f ms, host → Session ID %.0f ms, CPU host %.2f + "
          + "client %.2f s | %.2f | – | – | (comparison) | – |%n", path,
          VariantResult.percentile(r.oneJvmSetupClientMs, 0.5), VariantResult.percentile(r.oneJvmSetupHostReadyMs, 0.5),
          VariantResult.median(r.oneJvmSetupCpuHostMs) / 1e3, VariantResult.median(r.oneJvmSetupCpuClientMs) / 1e3,
          VariantResult.median(one)));
    }
  }

  private static void cpu(StringBuilder md, String path, VariantResult r) {
    if (r.tunnelCpuPerGbHost.isEmpty() || r.rawCpuPerGbAnswerer.isEmpty()) {
      return;
    }
    double tunnel = VariantResult.median(sums(r.tunnelCpuPerGbHost, r.tunnelCpuPerGbClient));
    double raw = VariantResult.median(sums(r.rawCpuPerGbAnswerer, r.rawCpuPerGbOfferer));
    md.append(String.format(Locale.ROOT, "| %s | CPU seconds per GB, both sides (tunnel: host %.2f + client %.2f; raw: "
        + "answerer %.2f + offerer %.2f) | %.2f | %.2f | %.0f %% | ≤ 110 %% | %s |%n", path,
        VariantResult.median(r.tunnelCpuPerGbHost), VariantResult.median(r.tunnelCpuPerGbClient),
        VariantResult.median(r.rawCpuPerGbAnswerer), VariantResult.median(r.rawCpuPerGbOfferer), tunnel, raw,
        tunnel / raw * 100, Report.met(tunnel / raw <= 1.1)));
  }

  private static List<Double> sums(List<Double> a, List<Double> b) {
    List<Double> sums = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      sums.add(a.get(i) + b.get(i));
    }
    return sums;
  }

  private static String whole(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (Double v : values) {
      s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v));
    }
    return s.length() == 0 ? "–" : s.toString();
  }

  /** The issue-15 figures in the JSON summary of a variant. */
  static void summary(ObjectNode s, VariantResult r) {
    r.redisTunnelRps.forEach((k, v) -> {
      s.put("redis " + k + " tunnelRps", VariantResult.median(v));
      s.put("redis " + k + " directRps", VariantResult.median(r.redisDirectRps.getOrDefault(k, List.of())));
    });
    if (!r.rtt1kIdle.isEmpty()) {
      s.put("rtt1kIdleP50Ms", VariantResult.median(LoadedLatencyStep.p50Ms(r.rtt1kIdle)));
      s.put("rtt1kLoadedP50Ms", VariantResult.median(LoadedLatencyStep.p50Ms(r.rtt1kLoaded)));
      s.put("rtt1kIdleP99Ms", VariantResult.median(LoadedLatencyStep.p99Ms(r.rtt1kIdle)));
      s.put("rtt1kLoadedP99Ms", VariantResult.median(LoadedLatencyStep.p99Ms(r.rtt1kLoaded)));
      s.put("downloadLoadedOverAlone",
          VariantResult.median(r.downloadLoadedMBps) / VariantResult.median(r.downloadAloneMBps));
    }
    if (!r.setupCpuHostMs.isEmpty()) {
      s.put("setupCpuHostMsMedian", VariantResult.median(r.setupCpuHostMs));
      s.put("setupCpuClientMsMedian", VariantResult.median(r.setupCpuClientMs));
      s.put("setupClientP50Ms", VariantResult.percentile(r.setupClientMs, 0.5));
      s.put("setupHostReadyP50Ms", VariantResult.percentile(r.setupHostReadyMs, 0.5));
    }
    if (!r.oneJvmSetupCpuHostMs.isEmpty()) {
      s.put("oneJvmSetupCpuHostMsMedian", VariantResult.median(r.oneJvmSetupCpuHostMs));
      s.put("oneJvmSetupCpuClientMsMedian", VariantResult.median(r.oneJvmSetupCpuClientMs));
      s.put("oneJvmSetupClientP50Ms", VariantResult.percentile(r.oneJvmSetupClientMs, 0.5));
      s.put("oneJvmSetupHostReadyP50Ms", VariantResult.percentile(r.oneJvmSetupHostReadyMs, 0.5));
    }
    if (!r.tunnelCpuPerGbHost.isEmpty() && !r.rawCpuPerGbAnswerer.isEmpty()) {
      s.put("tunnelCpuSecondsPerGb", VariantResult.median(sums(r.tunnelCpuPerGbHost, r.tunnelCpuPerGbClient)));
      s.put("rawCpuSecondsPerGb", VariantResult.median(sums(r.rawCpuPerGbAnswerer, r.rawCpuPerGbOfferer)));
    }
  }
}
