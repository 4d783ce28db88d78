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
  private final StepContext lab;
  private final ObjectMapper json = new ObjectMapper();

  ThroughputStep(StepContext lab) {
    this.lab = lab;
  }

  /** A raw DataChannel's transfer between two {@link RawPeer}s: MB/s and both sides' CPU per GB. */
  void raw(String name) throws Exception {
    Path exchange = Files.createDirectories(lab.dir().resolve(name));
    String bytes = Long.toString(lab.settings().rawBytes());
    try (LabProcess answer = lab.harness().start(VariantRun.NS_HOST, name + "-answer", lab.dir(),
            lab.run().raw("answer", exchange, "throughput", "--bytes", bytes));
        LabProcess offer = lab.harness().start(VariantRun.NS_CLIENT, name + "-offer", lab.dir(),
            lab.run().raw("offer", exchange, "throughput", "--bytes", bytes))) {
      Matcher m = answer.await("^result throughput bytes=(\\d+) ns=(\\d+)", lab.settings().timeoutMs());
      double mbps = Long.parseLong(m.group(1)) / (Long.parseLong(m.group(2)) / 1e9) / 1e6;
      lab.result().rawMBps.add(mbps);
      lab.result().rawPath = offer.await("^result open_ms=\\d+ path=(\\w+)", VariantRun.CONNECT_MS).group(1);
      offer.await("^result sent", VariantRun.CONNECT_MS);
      lab.result().rawCpuPerGbAnswerer.add(cpuPerGb(answer));
      lab.result().rawCpuPerGbOfferer.add(cpuPerGb(offer));
      System.out.printf(Locale.ROOT, "  [%s] raw DataChannel %.1f MB/s (%s)%n", lab.result().variant, mbps,
          lab.result().rawPath);
    }
  }

  /** iperf3 through a fresh tunnel, one stream and then eight: MB/s, and both demos' CPU per GB of the first. */
  void tunnel(String name) throws Exception {
    try (VariantRun.Tunnel tunnel = lab.run().startTunnel(name, VariantRun.IPERF_PORT)) {
      tunnel.awaitConnected();
      long hostCpu = ProcCpu.millis(tunnel.host.pid());
      long clientCpu = ProcCpu.millis(tunnel.client.pid());
      long[] bytes = new long[1];
      lab.result().tunnel1MBps.add(iperf(name + "-P1", 1, bytes));
      double gb = bytes[0] / 1e9;
      lab.result().tunnelCpuPerGbHost.add((ProcCpu.millis(tunnel.host.pid()) - hostCpu) / 1e3 / gb);
      lab.result().tunnelCpuPerGbClient.add((ProcCpu.millis(tunnel.client.pid()) - clientCpu) / 1e3 / gb);
      lab.result().tunnel8MBps.add(iperf(name + "-P8", 8, bytes));
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
        Integer.toString(VariantRun.CLIENT_PORT), "-t", Integer.toString(lab.settings().iperfSeconds()), "-P",
        Integer.toString(streams), "--json"));
    if (lab.settings().iperfOmitSeconds() > 0) {
      command.addAll(List.of("-O", Integer.toString(lab.settings().iperfOmitSeconds())));
    }
    try (LabProcess client = lab.harness().start(VariantRun.NS_CLIENT, name, lab.dir(), command)) {
      int exit = client.waitFor(lab.settings().iperfSeconds() * 1_000L + lab.settings().timeoutMs());
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
      System.out.printf(Locale.ROOT, "  [%s] tunnel iperf3 -P %d: %.1f MB/s%n", lab.result().variant, streams, mbps);
      return mbps;
    }
  }
}
