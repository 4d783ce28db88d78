package dev.p2ptunnel.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Bulk throughput on one lab variant: a raw DataChannel between two {@link RawPeer}s, and iperf3 through a fresh
 * tunnel of the demo (one stream, then eight), with the CPU seconds per GB of each side. Runs on the harness thread.
 */
final class ThroughputStep {
  private final VariantRun run;
  private final E2eHarness harness;
  private final E2eHarness.Settings settings;
  private final Path dir;
  private final VariantResult result;
  private final ObjectMapper json = new ObjectMapper();

  ThroughputStep(VariantRun run, E2eHarness harness, E2eHarness.Settings settings, Path dir, VariantResult result) {
    this.run = run;
    this.harness = harness;
    this.settings = settings;
    this.dir = dir;
    this.result = result;
  }

  /** A raw DataChannel's transfer between two {@link RawPeer}s: MB/s and both sides' CPU per GB. */
  void raw(String name) throws Exception {
    Path exchange = Files.createDirectories(dir.resolve(name));
    String bytes = Long.toString(settings.rawBytes());
    try (LabProcess answer = harness.start(VariantRun.NS_HOST, name + "-answer", dir,
            run.raw("answer", exchange, "throughput", "--bytes", bytes));
        LabProcess offer = harness.start(VariantRun.NS_CLIENT, name + "-offer", dir,
            run.raw("offer", exchange, "throughput", "--bytes", bytes))) {
      Matcher m = answer.await("^result throughput bytes=(\\d+) ns=(\\d+)", settings.timeoutMs());
      double mbps = Long.parseLong(m.group(1)) / (Long.parseLong(m.group(2)) / 1e9) / 1e6;
      result.rawMBps.add(mbps);
      result.rawPath = offer.await("^result open_ms=\\d+ path=(\\w+)", VariantRun.CONNECT_MS).group(1);
      offer.await("^result sent", VariantRun.CONNECT_MS);
      result.rawCpuPerGbAnswerer.add(cpuPerGb(answer));
      result.rawCpuPerGbOfferer.add(cpuPerGb(offer));
      System.out.printf(Locale.ROOT, "  [%s] raw DataChannel %.1f MB/s (%s)%n", result.variant, mbps,
          result.rawPath);
    }
  }

  /** iperf3 through a fresh tunnel, one stream and then eight: MB/s, and both demos' CPU per GB of the first. */
  void tunnel(String name) throws Exception {
    try (VariantRun.Tunnel tunnel = run.startTunnel(name, VariantRun.IPERF_PORT)) {
      tunnel.awaitConnected();
      long hostCpu = ProcCpu.millis(tunnel.host.pid());
      long clientCpu = ProcCpu.millis(tunnel.client.pid());
      long[] bytes = new long[1];
      result.tunnel1MBps.add(iperf(name + "-P1", 1, bytes));
      double gb = bytes[0] / 1e9;
      result.tunnelCpuPerGbHost.add((ProcCpu.millis(tunnel.host.pid()) - hostCpu) / 1e3 / gb);
      result.tunnelCpuPerGbClient.add((ProcCpu.millis(tunnel.client.pid()) - clientCpu) / 1e3 / gb);
      result.tunnel8MBps.add(iperf(name + "-P8", 8, bytes));
    }
  }

  /** CPU seconds per GB of a raw peer's transfer, from its {@code result cpu_ms=… bytes=…} line. */
  private double cpuPerGb(LabProcess raw) throws Exception {
    Matcher m = raw.await("^result cpu_ms=(\\d+) bytes=(\\d+)", VariantRun.CONNECT_MS);
    return Long.parseLong(m.group(1)) / 1e3 / (Long.parseLong(m.group(2)) / 1e9);
  }

  /** One iperf3 run through the tunnel: MB/s received; {@code bytes[0]}: every byte sent, omitted seconds included. */
  private double iperf(String name, int streams, long[] bytes) throws Exception {
    List<String> command = new ArrayList<>(List.of("iperf3", "-c", "127.0.0.1", "-p",
        Integer.toString(VariantRun.CLIENT_PORT), "-t", Integer.toString(settings.iperfSeconds()), "-P",
        Integer.toString(streams), "--json"));
    if (settings.iperfOmitSeconds() > 0) {
      command.addAll(List.of("-O", Integer.toString(settings.iperfOmitSeconds())));
    }
    try (LabProcess client = harness.start(VariantRun.NS_CLIENT, name, dir, command)) {
      int exit = client.waitFor(settings.iperfSeconds() * 1_000L + settings.timeoutMs());
      String output = client.output();
      JsonNode root = json.readTree(output.substring(Math.max(0, output.indexOf('{'))));
      if (exit != 0 || root.has("error")) {
        throw new IOException(name + ": iperf3 exit " + exit + ": " + root.path("error").asText("?"));
      }
      double mbps = root.path("end").path("sum_received").path("bits_per_second").asDouble() / 8 / 1e6;
      long sent = 0;
      for (JsonNode interval : root.path("intervals")) {
        sent += interval.path("sum").path("bytes").asLong();
      }
      bytes[0] = sent;
      System.out.printf(Locale.ROOT, "  [%s] tunnel iperf3 -P %d: %.1f MB/s%n", result.variant, streams, mbps);
      return mbps;
    }
  }
}
