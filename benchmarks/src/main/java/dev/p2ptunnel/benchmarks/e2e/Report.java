package dev.p2ptunnel.benchmarks.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The e2e result: per variant the raw numbers, medians and ratios against the issue-8 targets, as JSON and as the
 * markdown table pasted into docs/PERFORMANCE.md. Not thread-safe.
 */
final class Report {
  private final E2eHarness.Settings settings;
  private final List<VariantResult> results = new ArrayList<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();
  private final String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

  Report(E2eHarness.Settings settings) {
    this.settings = settings;
  }

  void add(VariantResult result) {
    results.add(result);
  }

  void skipped(String variant, String reason) {
    skipped.put(variant, reason);
  }

  boolean nothingMeasured() {
    return results.isEmpty();
  }

  String skippedReasons() {
    return skipped.toString();
  }

  boolean anySkipped() {
    return !skipped.isEmpty();
  }

  boolean hasErrors() {
    return !skipped.isEmpty() || results.stream().anyMatch(r -> !r.errors.isEmpty());
  }

  String machine() {
    return String.format(Locale.ROOT, "%d cores, %s, java %s, load %.2f, %s", Runtime.getRuntime()
        .availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        date);
  }

  Path markdownPath() {
    String name = settings.out().getFileName().toString().replaceFirst("\\.json$", "");
    return settings.out().resolveSibling(name + ".md");
  }

  void write() throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("machine", machine());
    root.put("date", date);
    Map<String, Object> used = new LinkedHashMap<>();
    used.put("quick", settings.quick());
    used.put("only", settings.only());
    used.put("runs", settings.runs());
    used.put("rawBytes", settings.rawBytes());
    used.put("iperfSeconds", settings.iperfSeconds());
    used.put("iperfOmitSeconds", settings.iperfOmitSeconds());
    used.put("setupRuns", settings.setupRuns());
    used.put("pings", settings.pings());
    used.put("warmupPings", settings.warmupPings());
    used.put("connections", settings.connections());
    used.put("activeConnections", settings.activeConnections());
    used.put("idleSeconds", settings.idleSeconds());
    used.put("loadSeconds", settings.loadSeconds());
    used.put("demoJvmOptions", settings.demoJvmOptions());
    used.put("demoOptions", settings.demoOptions());
    root.putPOJO("settings", used);
    ObjectNode variants = root.putObject("variants");
    for (VariantResult r : results) {
      ObjectNode v = variants.putObject(r.variant);
      v.set("measured", mapper.valueToTree(r));
      ObjectNode s = v.putObject("summary");
      s.put("rawMBpsMedian", VariantResult.median(r.rawMBps));
      s.put("tunnel1MBpsMedian", VariantResult.median(r.tunnel1MBps));
      s.put("tunnel8MBpsMedian", VariantResult.median(r.tunnel8MBps));
      s.put("tunnel1OverRaw", VariantResult.median(r.tunnel1MBps) / VariantResult.median(r.rawMBps));
      s.put("tunnel8OverRaw", VariantResult.median(r.tunnel8MBps) / VariantResult.median(r.rawMBps));
      s.put("setupP50Ms", VariantResult.percentile(r.setupMs, 0.5));
      s.put("setupP90Ms", VariantResult.percentile(r.setupMs, 0.9));
      if (r.tunnelLatency != null && r.rawLatency != null) {
        s.put("latencyP50ExtraUs", r.tunnelLatency.p50Us() - r.rawLatency.p50Us());
        s.put("latencyP99ExtraUs", r.tunnelLatency.p99Us() - r.rawLatency.p99Us());
      }
      if (!r.fairnessBaselineMBps.isEmpty()) {
        s.put("fairnessStalledOverBaseline",
            VariantResult.median(r.fairnessStalledMBps) / VariantResult.median(r.fairnessBaselineMBps));
      }
      if (r.connections != null) {
        s.put("connectionsTargetMet", r.connections.targetMet());
      }
      InteractiveReport.summary(s, r);
    }
    root.putPOJO("skipped", skipped);
    Files.createDirectories(settings.out().toAbsolutePath().getParent());
    mapper.writeValue(settings.out().toFile(), root);
    Files.writeString(markdownPath(), markdown(), StandardCharsets.UTF_8);
  }

  static final String DOC_BEGIN = "<!-- bench-e2e table: begin (written by scripts/bench-e2e.sh) -->";
  static final String DOC_END = "<!-- bench-e2e table: end -->";

  /**
   * Replaces what stands between {@link #DOC_BEGIN} and {@link #DOC_END} in {@code doc} with this run: when, the
   * command, its exit status, machine, settings and the table. Everything around the markers stays.
   *
   * @throws IOException if the file cannot be read or written, or lacks the markers (in order, once each)
   */
  void updateDoc(Path doc, int exit) throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(DOC_BEGIN);
    int end = text.indexOf(DOC_END);
    if (begin < 0 || end < begin || text.indexOf(DOC_BEGIN, begin + 1) >= 0 || text.indexOf(DOC_END, end + 1) >= 0) {
      throw new IOException(doc + ": expected the markers " + DOC_BEGIN + " and " + DOC_END
          + " once each, in that order");
    }
    String run = String.format(Locale.ROOT, "%nRun of %s, `sudo %s`, exit %d%s.%n%n%s", date, settings.command(),
        exit, exit == 0 ? ", no errors" : " (the errors are in the table)", markdown());
    Files.writeString(doc, text.substring(0, begin + DOC_BEGIN.length()) + run + text.substring(end),
        StandardCharsets.UTF_8);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("Machine: ").append(machine()).append('\n');
    md.append(String.format(Locale.ROOT, "Settings: %d run(s) of raw %d MB and iperf3 %d s (first %d s omitted), "
        + "%d setup runs, %d round trips after %d warm-up, %d connections held (%d active), %d s per loaded-latency "
        + "measurement%s%n%n", settings.runs(),
        settings.rawBytes() / 1_000_000, settings.iperfSeconds(), settings.iperfOmitSeconds(), settings.setupRuns(),
        settings.pings(), settings.warmupPings(), settings.connections(), settings.activeConnections(),
        settings.loadSeconds(),
        settings.only().isEmpty() ? "" : "; only " + String.join(", ", settings.only())));
    md.append("| path | measurement | tunnel | raw DataChannel | tunnel vs raw | target | met |\n");
    md.append("|---|---|---:|---:|---:|---|---|\n");
    for (VariantResult r : results) {
      String path = r.variant + " (" + r.iceServers + ", " + (r.tunnelPath.isEmpty() ? "?" : r.tunnelPath) + ")";
      double raw = VariantResult.median(r.rawMBps);
      if (!r.tunnel1MBps.isEmpty() || !r.rawMBps.isEmpty()) {
        throughputRow(md, path, "throughput, 1 stream (MB/s)", r.tunnel1MBps, r.rawMBps);
        throughputRow(md, path, "throughput, 8 streams (MB/s)", r.tunnel8MBps, r.rawMBps);
      }
      if (r.tunnelLatency != null && r.rawLatency != null) {
        double d50 = (r.tunnelLatency.p50Us() - r.rawLatency.p50Us()) / 1e3;
        double d99 = (r.tunnelLatency.p99Us() - r.rawLatency.p99Us()) / 1e3;
        md.append(String.format(Locale.ROOT, "| %s | 64 B round trip p50 (ms) | %.3f | %.3f | %+.3f ms | ≤ +0.2 ms | %s |%n",
            path, r.tunnelLatency.p50Us() / 1e3, r.rawLatency.p50Us() / 1e3, d50, met(d50 <= 0.2)));
        md.append(String.format(Locale.ROOT, "| %s | 64 B round trip p99 (ms) | %.3f | %.3f | %+.3f ms | ≤ +1 ms | %s |%n",
            path, r.tunnelLatency.p99Us() / 1e3, r.rawLatency.p99Us() / 1e3, d99, met(d99 <= 1.0)));
      }
      if (!r.setupMs.isEmpty()) {
        double p50 = VariantResult.percentile(r.setupMs, 0.5);
        md.append(String.format(Locale.ROOT, "| %s | setup p50 / p90 (ms), %d runs | %.0f / %.0f | – | – | p50 ≤ 1500 ms | %s |%n",
            path, r.setupMs.size(), p50, VariantResult.percentile(r.setupMs, 0.9), met(p50 <= 1_500)));
        md.append(String.format(Locale.ROOT, "| %s | … of which host start → session ID / client start → first byte (p50) | %.0f / %.0f | | | | |%n",
            path, VariantResult.percentile(r.setupHostReadyMs, 0.5), VariantResult.percentile(r.setupClientMs, 0.5)));
      }
      if (!r.fairnessBaselineMBps.isEmpty()) {
        double ratio = VariantResult.median(r.fairnessStalledMBps) / VariantResult.median(r.fairnessBaselineMBps);
        md.append(String.format(Locale.ROOT, "| %s | 4 streams with a 5th stalled vs without (MB/s) | %.1f | %.1f | %.0f %% | ≥ 80 %% | %s |%n",
            path, VariantResult.median(r.fairnessStalledMBps), VariantResult.median(r.fairnessBaselineMBps),
            ratio * 100, met(ratio >= 0.8)));
      }
      if (!Double.isNaN(raw)) {
        md.append(String.format(Locale.ROOT, "| %s | all runs (MB/s): raw %s; tunnel 1 stream %s; 8 streams %s | | | | | |%n",
            path, list(r.rawMBps), list(r.tunnel1MBps), list(r.tunnel8MBps)));
      }
      if (r.connections != null) {
        ConnectionsReport.rows(md, path, r.connections);
      }
      for (String e : r.errors) {
        md.append("| ").append(path).append(" | error | ").append(e.replace('\n', ' ').replace('|', '/'))
            .append(" | | | | |\n");
      }
    }
    skipped.forEach((v, why) -> md.append("| ").append(v).append(" | skipped | ").append(why.replace('\n', ' '))
        .append(" | | | | |\n"));
    InteractiveReport.table(md, results);
    return md.toString();
  }

  private static void throughputRow(StringBuilder md, String path, String what, List<Double> tunnel,
      List<Double> raw) {
    double t = VariantResult.median(tunnel);
    double r = VariantResult.median(raw);
    md.append(String.format(Locale.ROOT, "| %s | %s, median | %.1f | %.1f | %.0f %% | ≥ 90 %% | %s |%n", path, what,
        t, r, t / r * 100, met(t / r >= 0.9)));
  }

  /** Two decimals, for milliseconds. */
  static String list2(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (Double v : values) {
      s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
    }
    return s.length() == 0 ? "–" : s.toString();
  }

  static String list(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (Double v : values) {
      s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
    }
    return s.length() == 0 ? "–" : s.toString();
  }

  static String met(boolean met) {
    return met ? "yes" : "**no**";
  }
}
