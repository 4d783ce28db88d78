package dev.p2ptunnel.benchmarks.e2e;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Latency under load (issue 15): 1 KiB request/response round trips through one tunnel, alone and while one download
 * (service to app, the host sending) runs through the same tunnel, and the download's throughput alone and meanwhile.
 * Behind the host one {@link LoadTool} mixed server does both; in the client's namespace a ping and a download tool
 * connect through the demo client's port. One fresh tunnel for the step, warmed first; then per run, alternating in
 * this order: download alone, round trips alone, both at once, with the UDP datagrams each peer's kernel dropped for a
 * full receive buffer while both ran ({@link UdpDrops}). Runs on the harness thread.
 */
final class LoadedLatencyStep {
  static final int MIXED_PORT = 9002;
  /** The download runs this long before the round trips start, so that its queues are full. */
  private static final long RAMP_MS = 1_500;

  private final StepContext lab;
  private final long seconds;

  LoadedLatencyStep(StepContext lab) {
    this.lab = lab;
    this.seconds = lab.settings().loadSeconds();
  }

  void run() throws Exception {
    try (LabProcess server = lab.harness().start(VariantRun.NS_HOST, "mixed-server", lab.dir(),
            lab.run().tool(LoadTool.class, "mixed-server", Integer.toString(MIXED_PORT)));
        VariantRun.Tunnel tunnel = lab.run().startTunnel("loaded", MIXED_PORT, lab.settings().demoJvmOptions(),
            lab.settings().demoOptions())) {
      server.await("^ready", 30_000);
      tunnel.awaitConnected();
      if (!lab.settings().quick()) { // the smoke only proves that the step runs
        ping("loaded-warmup-ping", 2, 1); // JIT and queues of a fresh tunnel, both ways
        try (LabProcess warmup = download("loaded-warmup-download", 3)) {
          warmup.waitFor(lab.settings().timeoutMs());
        }
      }
      for (int i = 0; i < lab.settings().runs(); i++) {
        double alone = mbps(download("loaded-download-" + i, seconds + 1));
        lab.result().downloadAloneMBps.add(alone);
        Percentiles idle = ping("loaded-ping-idle-" + i, seconds, 1);
        lab.result().rtt1kIdle.add(idle);
        try (LabProcess bulk = download("loaded-download-during-" + i, seconds + 4)) {
          Thread.sleep(RAMP_MS); // a benchmark's pause, not a test's: the download fills the queues first
          long hostDrops = drops(VariantRun.NS_HOST, i, "before");
          long clientDrops = drops(VariantRun.NS_CLIENT, i, "before");
          Percentiles loaded = ping("loaded-ping-during-" + i, seconds, 1);
          hostDrops = drops(VariantRun.NS_HOST, i, "after") - hostDrops;
          clientDrops = drops(VariantRun.NS_CLIENT, i, "after") - clientDrops;
          lab.result().rtt1kLoaded.add(loaded);
          lab.result().udpDropsLoadedHost.add((double) hostDrops);
          lab.result().udpDropsLoadedClient.add((double) clientDrops);
          double during = mbps(bulk);
          lab.result().downloadLoadedMBps.add(during);
          System.out.printf(Locale.ROOT, "  [%s] 1 KiB round trip alone p50 %.2f / p99 %.2f ms; during a download "
              + "p50 %.2f / p99 %.2f ms; download alone %.1f MB/s, during %.1f MB/s; UDP receive-buffer drops "
              + "during the round trips: host %d, client %d%n", lab.result().variant, idle.p50Us() / 1e3,
              idle.p99Us() / 1e3, loaded.p50Us() / 1e3, loaded.p99Us() / 1e3, alone, during, hostDrops, clientDrops);
        }
      }
    }
  }

  private Percentiles ping(String name, long pingSeconds, long warmupSeconds) throws Exception {
    try (LabProcess ping = lab.harness().start(VariantRun.NS_CLIENT, name, lab.dir(), lab.run().tool(LoadTool.class,
        "ping", Integer.toString(VariantRun.CLIENT_PORT), "--size", "1024", "--seconds", Long.toString(pingSeconds),
        "--warmup-seconds", Long.toString(warmupSeconds)))) {
      Matcher m = ping.await("^result latency count=(\\d+) p50_us=([\\d.]+) p90_us=([\\d.]+) p99_us=([\\d.]+) "
          + "max_us=([\\d.]+)", lab.settings().timeoutMs() + (pingSeconds + warmupSeconds) * 1_000);
      return new Percentiles(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)),
          Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
    }
  }

  /** The UDP receive-buffer drops of namespace {@code ns} so far ({@link UdpDrops}). */
  private long drops(String ns, int run, String when) throws Exception {
    return UdpDrops.read(ns, "loaded-udp-drops-" + ns + "-" + run + "-" + when, lab.dir(),
        lab.settings().timeoutMs());
  }

  /** Starts a download of {@code downloadSeconds} (its first second not counted). */
  private LabProcess download(String name, long downloadSeconds) throws Exception {
    return lab.harness().start(VariantRun.NS_CLIENT, name, lab.dir(), lab.run().tool(LoadTool.class,
        "download", Integer.toString(VariantRun.CLIENT_PORT), "--seconds", Long.toString(downloadSeconds),
        "--skip-seconds", "1"));
  }

  private double mbps(LabProcess download) throws Exception {
    try (download) {
      Matcher m = download.await("^result download bytes=\\d+ ns=\\d+ mbps=([\\d.]+)", lab.settings().timeoutMs()
          + (seconds + 5) * 1_000);
      return Double.parseDouble(m.group(1));
    }
  }

  /** The p50 of each run, in ms. */
  static List<Double> p50Ms(List<Percentiles> list) {
    return list.stream().map(p -> p.p50Us() / 1e3).toList();
  }

  /** The p99 of each run, in ms. */
  static List<Double> p99Ms(List<Percentiles> list) {
    return list.stream().map(p -> p.p99Us() / 1e3).toList();
  }
}
