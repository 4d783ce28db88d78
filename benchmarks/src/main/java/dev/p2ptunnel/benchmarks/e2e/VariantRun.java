package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The measurements on one lab variant that is up: raw DataChannel vs tunnel throughput ({@link ThroughputStep}),
 * round-trip latency and setup time, each in fresh processes. Runs on the harness thread; every process it starts
 * is registered with the harness (killed on exit) and closed here when its step ends.
 */
final class VariantRun {
  static final String NS_HOST = "p2plab-host";
  static final String NS_CLIENT = "p2plab-client";
  static final String NS_WAN = "p2plab-wan";
  private static final int SIGNAL_PORT = 8787;
  static final int IPERF_PORT = 5201;
  private static final int ECHO_PORT = 9000;
  private static final int SINK_PORT = 9001;
  static final int CLIENT_PORT = 7000;
  private static final long START_MS = 30_000;
  static final long CONNECT_MS = 30_000;

  private final E2eHarness.Settings settings;
  private final E2eHarness harness;
  private final VariantResult result;
  private final Path dir;
  private final List<String> iceArgs = new ArrayList<>();
  private final String signalUrl;
  private final Object labIdentity;

  VariantRun(E2eHarness.Settings settings, E2eHarness harness, String variant, Map<String, String> env)
      throws IOException {
    this.settings = settings;
    this.harness = harness;
    this.dir = E2eHarness.freshDirectory(settings.work().resolve(variant)); // a retry must not read stale files
    iceArgs.addAll(List.of("--stun", env.get("STUN")));
    if (!variant.equals("cone")) {
      iceArgs.addAll(List.of("--turn", env.get("TURN"), "--turn-user", env.get("TURN_USER"), "--turn-pass",
          env.get("TURN_PASS")));
    }
    this.result = new VariantResult(variant, variant.equals("cone") ? "STUN" : "STUN+TURN");
    this.signalUrl = "http://" + env.get("SIGNALING_IP") + ":" + SIGNAL_PORT;
    this.labIdentity = labIdentity();
  }

  VariantResult run() throws Exception {
    // Every host and client of a run comes from the same two lab addresses: the server's per-address limits (10
    // session creations and 10 joins a minute by default) would refuse the setup step's 21 runs a minute.
    try (LabProcess signal = harness.start(NS_WAN, "signal", dir, demo("signal", "--bind",
            signalUrl.substring(7, signalUrl.lastIndexOf(':')), "--port", Integer.toString(SIGNAL_PORT),
            "--creates-per-minute", "1000", "--joins-per-minute", "1000"));
        LabProcess iperf = harness.start(NS_HOST, "iperf3-server", dir,
            List.of("iperf3", "-s", "--forceflush", "-p", Integer.toString(IPERF_PORT)));
        LabProcess echo = harness.start(NS_HOST, "echo-server", dir,
            tool(TcpTool.class, "echo-server", Integer.toString(ECHO_PORT)));
        LabProcess sink = harness.start(NS_HOST, "sink-server", dir,
            tool(TcpTool.class, "sink-server", Integer.toString(SINK_PORT)))) {
      signal.await("listening on", START_MS);
      sink.await("ready port=", START_MS);
      iperf.await("Server listening", START_MS);
      echo.await("ready port=", START_MS);
      StepContext lab = new StepContext(this, harness, settings, dir, result);
      ThroughputStep throughput = new ThroughputStep(lab);
      for (int i = 0; i < settings.runs(); i++) {
        int run = i;
        step("raw throughput run " + run, () -> throughput.raw(runName("raw", run)));
        step("tunnel throughput run " + run, () -> throughput.tunnel(runName("tunnel", run)));
      }
      step("setup and tunnel latency", this::setupAndTunnelLatency);
      step("raw latency", this::rawLatency);
      if (settings.fairnessSeconds() > 0) {
        for (int i = 0; i < settings.runs(); i++) {
          String name = runName("fairness", i);
          step("fairness run " + i, () -> fairness(name));
        }
      }
      step("redis", () -> new RedisStep(lab).run());
      step("loaded latency", () -> new LoadedLatencyStep(lab).run());
      if (settings.connections() > 0) {
        step("connections", () -> new ConnectionsStep(lab).run());
      }
    }
    return result;
  }

  private static String runName(String what, int run) {
    return what + "-" + run;
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Thrown when the lab's namespaces were deleted or recreated during the run (netlab.sh run from elsewhere). */
  static final class LabLostException extends IOException {
    private static final long serialVersionUID = 1L;

    LabLostException(String message) {
      super(message);
    }
  }

  /** The identity (device + inode) of the host namespace's file: another netlab.sh up/down changes it. */
  static Object labIdentity() throws IOException {
    Path ns = Path.of("/run/netns", NS_HOST);
    try {
      return Files.readAttributes(ns, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      throw new LabLostException("the lab is gone: " + ns + " does not exist (netlab.sh down from elsewhere?)");
    }
  }

  private void checkLab() throws IOException {
    if (!labIdentity().equals(labIdentity)) {
      throw new LabLostException("the lab was recreated during the run (netlab.sh up from elsewhere?)");
    }
  }

  /** Runs {@code step} unless {@code --only} leaves it out; records its error, if any, and goes on. */
  private void step(String name, Step step) throws LabLostException {
    if (!settings.selected(name)) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      checkLab();
      step.run();
      checkLab();
      System.out.printf(Locale.ROOT, "  [%s] %s done in %.1f s%n", result.variant, name, (System.nanoTime() - t0) / 1e9);
    } catch (LabLostException e) {
      throw e;
    } catch (Exception e) {
      try {
        checkLab();
      } catch (LabLostException lost) {
        throw lost;
      } catch (IOException ignored) {
        // fall through: record the step's own error
      }
      String message = name + ": " + e.getMessage();
      result.errors.add(message);
      System.out.println("  [" + result.variant + "] FAILED " + message);
    }
  }

  /** Four connections writing through the tunnel, without and then with a fifth whose reader has stalled. */
  private void fairness(String name) throws Exception {
    try (Tunnel tunnel = startTunnel(name, SINK_PORT)) {
      tunnel.awaitConnected();
      result.fairnessBaselineMBps.add(fairnessOnce(name + "-baseline", false));
      result.fairnessStalledMBps.add(fairnessOnce(name + "-stalled", true));
    }
  }

  private double fairnessOnce(String name, boolean stall) throws Exception {
    List<String> command = tool(TcpTool.class, "fairness", Integer.toString(CLIENT_PORT), "--streams", "4",
        "--seconds", Long.toString(settings.fairnessSeconds()));
    if (stall) {
      command.add("--stall");
    }
    try (LabProcess driver = harness.start(NS_CLIENT, name, dir, command)) {
      Matcher m = driver.await("^result fairness .* mbps=([\\d.]+) stalled_bytes=(\\d+)", settings.timeoutMs());
      System.out.printf(Locale.ROOT, "  [%s] 4 streams %s: %s MB/s (stalled connection took %s bytes)%n",
          result.variant, stall ? "with a stalled 5th" : "alone", m.group(1), m.group(2));
      return Double.parseDouble(m.group(1));
    }
  }

  private void setupAndTunnelLatency() throws Exception {
    // One untimed run first: whatever a first start on this machine makes once (the demo's identity, its class
    // archive) is made there, as it is for a user once; what the rows show is every start after it.
    for (int run = -1; run < settings.setupRuns(); run++) {
      String name = run < 0 ? "setup-warmup" : runName("setup", run);
      try (LabProcess probe = harness.start(NS_CLIENT, name + "-probe", dir,
          tool(TcpTool.class, "first-byte", Integer.toString(CLIENT_PORT), "--timeout-ms",
              Long.toString(settings.timeoutMs())))) {
        probe.await("^ready", START_MS);
        Tunnel tunnel = startTunnel(name, ECHO_PORT);
        try {
          long firstByteMs = Long.parseLong(probe.await("^result first_byte_epoch_ms=(\\d+)",
              settings.timeoutMs()).group(1));
          long hostCpuMs = ProcCpu.millis(tunnel.host.pid());
          long clientCpuMs = ProcCpu.millis(tunnel.client.pid());
          if (run < 0) {
            System.out.printf(Locale.ROOT, "  [%s] setup warm-up %d ms (not counted)%n", result.variant,
                firstByteMs - tunnel.host.startedEpochMs);
            continue;
          }
          result.setupCpuHostMs.add(hostCpuMs);
          result.setupCpuClientMs.add(clientCpuMs);
          result.setupMs.add(firstByteMs - tunnel.host.startedEpochMs);
          result.setupHostReadyMs.add(tunnel.sessionIdEpochMs - tunnel.host.startedEpochMs);
          result.setupClientMs.add(firstByteMs - tunnel.client.startedEpochMs);
          System.out.printf(Locale.ROOT, "  [%s] setup %d ms (host ready %d ms, client start to first byte %d ms; "
              + "CPU host %d ms, client %d ms)%n", result.variant, firstByteMs - tunnel.host.startedEpochMs,
              tunnel.sessionIdEpochMs - tunnel.host.startedEpochMs, firstByteMs - tunnel.client.startedEpochMs,
              hostCpuMs, clientCpuMs);
          if (run == settings.setupRuns() - 1) {
            tunnel.awaitConnected();
            try (LabProcess ping = harness.start(NS_CLIENT, "tunnel-ping", dir, tool(TcpTool.class, "ping",
                Integer.toString(CLIENT_PORT), "--count", Integer.toString(settings.pings()), "--warmup",
                Integer.toString(settings.warmupPings())))) {
              result.tunnelLatency = latency(ping);
              System.out.printf(Locale.ROOT, "  [%s] tunnel 64 B round trip %s%n", result.variant,
                  result.tunnelLatency.line());
            }
          }
        } finally {
          tunnel.close();
        }
      }
      if (run >= 0) {
        oneJvmSetup(name + "-one-jvm");
      }
    }
  }

  /**
   * The setup as before java -jar relaunched itself with a class archive (P2P_TUNNEL_CDS=off: one JVM per side, no
   * archive), alternating with the runs above, so that the record stays comparable with earlier ones.
   */
  private void oneJvmSetup(String name) throws Exception {
    try (LabProcess probe = harness.start(NS_CLIENT, name + "-probe", dir,
        tool(TcpTool.class, "first-byte", Integer.toString(CLIENT_PORT), "--timeout-ms",
            Long.toString(settings.timeoutMs())))) {
      probe.await("^ready", START_MS);
      try (Tunnel tunnel = startTunnel(name, ECHO_PORT, settings.demoJvmOptions(), settings.demoOptions(),
          List.of("env", "P2P_TUNNEL_CDS=off"))) {
        long firstByteMs = Long.parseLong(probe.await("^result first_byte_epoch_ms=(\\d+)",
            settings.timeoutMs()).group(1));
        long hostCpuMs = ProcCpu.millis(tunnel.host.pid());
        long clientCpuMs = ProcCpu.millis(tunnel.client.pid());
        result.oneJvmSetupCpuHostMs.add(hostCpuMs);
        result.oneJvmSetupCpuClientMs.add(clientCpuMs);
        result.oneJvmSetupHostReadyMs.add(tunnel.sessionIdEpochMs - tunnel.host.startedEpochMs);
        result.oneJvmSetupClientMs.add(firstByteMs - tunnel.client.startedEpochMs);
        System.out.printf(Locale.ROOT, "  [%s] setup, one JVM (P2P_TUNNEL_CDS=off): host ready %d ms, client start to "
            + "first byte %d ms; CPU host %d ms, client %d ms%n", result.variant,
            tunnel.sessionIdEpochMs - tunnel.host.startedEpochMs, firstByteMs - tunnel.client.startedEpochMs,
            hostCpuMs, clientCpuMs);
      }
    }
  }

  private void rawLatency() throws Exception {
    Path exchange = Files.createDirectories(dir.resolve("raw-echo"));
    try (LabProcess answer = harness.start(NS_HOST, "raw-echo-answer", dir, raw("answer", exchange, "echo"));
        LabProcess offer = harness.start(NS_CLIENT, "raw-echo-offer", dir, raw("offer", exchange, "echo",
            "--count", Integer.toString(settings.pings()), "--warmup", Integer.toString(settings.warmupPings())))) {
      result.rawLatency = latency(offer);
      System.out.printf(Locale.ROOT, "  [%s] raw 64 B round trip %s%n", result.variant, result.rawLatency.line());
      answer.await("^result echo done", CONNECT_MS);
    }
  }

  private Percentiles latency(LabProcess process) throws Exception {
    Matcher m = process.await("^result latency count=(\\d+) p50_us=([\\d.]+) p90_us=([\\d.]+) p99_us=([\\d.]+) "
        + "max_us=([\\d.]+)", settings.timeoutMs());
    return new Percentiles(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)),
        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
  }

  /** The demo host sharing {@code servicePort}, and once it has a session ID, the demo client on CLIENT_PORT. */
  Tunnel startTunnel(String name, int servicePort) throws Exception {
    return startTunnel(name, servicePort, settings.demoJvmOptions(), settings.demoOptions());
  }

  /** {@link #startTunnel(String, int)}, the demo JVMs with {@code jvmOptions}, the demos with {@code demoOptions}. */
  Tunnel startTunnel(String name, int servicePort, List<String> jvmOptions, List<String> demoOptions)
      throws Exception {
    return startTunnel(name, servicePort, jvmOptions, demoOptions, List.of());
  }

  /** {@link #startTunnel(String, int, List, List)}, each demo command after {@code prefix} (e.g. env(1)). */
  Tunnel startTunnel(String name, int servicePort, List<String> jvmOptions, List<String> demoOptions,
      List<String> prefix) throws Exception {
    List<String> hostArgs = new ArrayList<>(List.of("host", "--port", Integer.toString(servicePort), "--signal",
        signalUrl, "--yes"));
    hostArgs.addAll(iceArgs);
    hostArgs.addAll(demoOptions);
    LabProcess host = harness.start(NS_HOST, name + "-host", dir, prefixed(prefix, demo(jvmOptions, hostArgs)));
    try {
      String session = host.await("Session ID: (\\S+)", START_MS).group(1);
      long sessionIdMs = System.currentTimeMillis();
      List<String> clientArgs = new ArrayList<>(List.of("client", "--port", Integer.toString(CLIENT_PORT),
          "--signal", signalUrl, "--session", session));
      clientArgs.addAll(iceArgs);
      clientArgs.addAll(demoOptions);
      LabProcess client = harness.start(NS_CLIENT, name + "-client", dir,
          prefixed(prefix, demo(jvmOptions, clientArgs)));
      return new Tunnel(host, client, sessionIdMs);
    } catch (Exception e) {
      host.close();
      throw e;
    }
  }

  final class Tunnel implements AutoCloseable {
    final LabProcess host;
    final LabProcess client;
    final long sessionIdEpochMs;

    Tunnel(LabProcess host, LabProcess client, long sessionIdEpochMs) {
      this.host = host;
      this.client = client;
      this.sessionIdEpochMs = sessionIdEpochMs;
    }

    void awaitConnected() throws Exception {
      result.tunnelPath = client.await("connected, path (\\w+)", CONNECT_MS).group(1);
    }

    @Override
    public void close() {
      client.close();
      host.close();
    }
  }

  private static List<String> prefixed(List<String> prefix, List<String> command) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(command);
    return all;
  }

  private List<String> demo(String... args) {
    return demo(List.of(), List.of(args));
  }

  private List<String> demo(List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>(List.of(harness.java()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", settings.demoJar().toString()));
    command.addAll(args);
    return command;
  }

  /** A {@link RawPeer} command: {@code role} (offer or answer) exchanging through {@code exchange}. */
  List<String> raw(String role, Path exchange, String mode, String... extra) {
    List<String> command = tool(RawPeer.class, role, exchange.toString(), mode, "--timeout-ms",
        Long.toString(settings.timeoutMs()));
    command.addAll(iceArgs);
    command.addAll(List.of(extra));
    return command;
  }

  List<String> tool(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(harness.java(), "-cp", System.getProperty("java.class.path"),
        main.getName()));
    command.addAll(List.of(args));
    return command;
  }
}
