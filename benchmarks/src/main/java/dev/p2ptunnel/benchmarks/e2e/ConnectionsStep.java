package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Step {@code connections} of a variant (issue 8): N connections (10 000) held open through one real tunnel, then M
 * (1 000) of them active at once, and what that costs the two demo processes.
 *
 * <p>A fresh tunnel exactly as the other steps start it (demo {@code host} in p2plab-host, demo {@code client} in
 * p2plab-client, signaling on the WAN, STUN, TURN on {@code symmetric}), with {@code -Xmx256m} so that the heap
 * bound is proven, and {@code --stats-json -} so that each demo reports its own open connections and error
 * counters; behind the host an echo service on one thread ({@code TcpTool nio-echo-server}, a
 * {@link dev.p2ptunnel.benchmarks.NioService}); in p2plab-client the driver ({@link HoldDriver}), one process, so every party stays under the 20 000-descriptor limit. Once the driver has
 * proven every connection (a 1-byte echo each) and the demos count them all, both demo JVMs are sampled
 * ({@link JvmSample}: threads, heap after a full GC, RSS, descriptors, errors); again after M connections did a
 * 64-byte round trip at once, and (--idle-seconds, 70 in a full run) once more after that long with all held idle,
 * when the thread pools that grew during setup have shrunk again. Then the driver closes everything, the demos
 * must count zero, and SIGTERM must end both with exit 0 and no problem in their logs. Runs on the harness thread;
 * not thread-safe.
 */
final class ConnectionsStep {
  static final int SERVICE_PORT = 9002;
  static final List<String> DEMO_JVM_OPTIONS = List.of("-Xmx256m");
  private static final long START_MS = 30_000;
  /** How long the demos' counts (sampled once a second) may lag behind the driver. */
  private static final long SETTLE_MS = 15_000;
  private static final long POLL_MS = 100;
  private static final Pattern SERVICE_OPEN = Pattern.compile("(?m)^connections open=(\\d+)");
  /** Lines that report a problem, and the two that libwebrtc prints at every exit (harmless; see README). */
  private static final Pattern PROBLEM = Pattern.compile("(?i)\\b(error|exception|warning|severe|failed)\\b");
  private static final Pattern HARMLESS = Pattern.compile("^(VM attach current thread failed|Failed to attach "
      + "thread \\d+)$");

  private final StepContext lab;
  /** This step's part of {@code lab.result()}. */
  private final ConnectionsResult result;

  ConnectionsStep(StepContext lab) {
    this.lab = lab;
    this.result = new ConnectionsResult(lab.settings().connections(), lab.settings().activeConnections(),
        String.join(" ", DEMO_JVM_OPTIONS));
    lab.result().connections = result;
  }

  void run() throws Exception {
    // Each phase may take longer than the other steps' timeouts at 10 000 connections: 10 ms per connection.
    long phaseMs = Math.max(lab.settings().timeoutMs(), lab.settings().connections() * 10L);
    try (LabProcess service = lab.harness().start(VariantRun.NS_HOST, "connections-echo", lab.dir(),
        lab.run().tool(TcpTool.class, "nio-echo-server", Integer.toString(SERVICE_PORT)))) {
      service.await("^ready port=", START_MS);
      VariantRun.Tunnel tunnel = lab.run().startTunnel("connections", SERVICE_PORT, DEMO_JVM_OPTIONS,
          List.of("--stats-json", "-"));
      try {
        tunnel.awaitConnected();
        try (LabProcess driver = lab.harness().start(VariantRun.NS_CLIENT, "connections-driver", lab.dir(),
            lab.run().tool(TcpTool.class, "hold", Integer.toString(VariantRun.CLIENT_PORT), "--connections",
                Integer.toString(lab.settings().connections()), "--active",
                Integer.toString(lab.settings().activeConnections()), "--timeout-ms", Long.toString(phaseMs)))) {
          result.driverFdLimit = driver.await("^ready fd_limit=(\\S+)", START_MS).group(1);
          established(driver.await("^result established=(\\d+) connections=\\d+ connect_failed=(\\d+) closed=(\\d+) "
              + "reset=(\\d+) wrong_bytes=(\\d+) timed_out=(\\d+) ms=(\\d+) each_p50_ms=([\\d.]+) "
              + "each_p99_ms=([\\d.]+) each_max_ms=([\\d.]+)", phaseMs + START_MS));
          result.serviceOpen = settle(tunnel, service, result.established);
          sample("held", tunnel);
          driver.tell("active");
          active(driver.await("^result active=\\d+ answered=(\\d+) closed=(\\d+) reset=(\\d+) wrong_bytes=(\\d+) "
              + "not_sent=(\\d+) timed_out=(\\d+) ms=([\\d.]+) p50_ms=([\\d.]+) p99_ms=([\\d.]+)", phaseMs + START_MS));
          if (!lab.settings().quick()) {
            sample("after-active", tunnel); // the smoke samples once: each sample costs two jcmd runs per demo
          }
          if (lab.settings().idleSeconds() > 0) {
            // Pools that grew at startup (the signaling HTTP client's workers) shrink after 60 s idle: what stays.
            Thread.sleep(TimeUnit.SECONDS.toMillis(lab.settings().idleSeconds()));
            sample("idle-" + lab.settings().idleSeconds() + "s", tunnel);
          }
          long closeStartNs = System.nanoTime();
          driver.tell("close");
          Matcher closed = driver.await("^result closed held=(\\d+) lost_while_held=(\\d+) unexpected_bytes=(\\d+)",
              phaseMs);
          result.heldAtClose = Integer.parseInt(closed.group(1));
          result.lostWhileHeld = Integer.parseInt(closed.group(2));
          result.unexpectedBytes = Long.parseLong(closed.group(3));
          driver.waitFor(START_MS);
          if (settle(tunnel, service, 0) == 0) {
            result.closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStartNs);
          }
        }
      } finally {
        result.clientExit = tunnel.client.stop();
        result.hostExit = tunnel.host.stop();
        scanLog(tunnel.client);
        scanLog(tunnel.host);
      }
    }
    System.out.printf(Locale.ROOT, "  [%s] connections closed: %s; demo exit host %d, client %d%n",
        lab.result().variant, result.closeMs < 0 ? "demos did not count 0 within " + SETTLE_MS + " ms"
            : "every side counted 0 after " + result.closeMs + " ms", result.hostExit, result.clientExit);
    List<String> problems = result.problems();
    if (!problems.isEmpty()) {
      throw new IOException(String.join("; ", problems));
    }
  }

  private void established(Matcher m) {
    result.established = Integer.parseInt(m.group(1));
    result.connectFailed = Integer.parseInt(m.group(2));
    result.closedEarly = Integer.parseInt(m.group(3));
    result.reset = Integer.parseInt(m.group(4));
    result.wrongBytes = Long.parseLong(m.group(5));
    result.timedOut = Integer.parseInt(m.group(6));
    result.establishMs = Long.parseLong(m.group(7));
    result.establishEachP50Ms = Double.parseDouble(m.group(8));
    result.establishEachP99Ms = Double.parseDouble(m.group(9));
    result.establishEachMaxMs = Double.parseDouble(m.group(10));
    System.out.printf(Locale.ROOT, "  [%s] connections: %d of %d established and proven in %.2f s (each: p50 %.1f ms,"
        + " p99 %.1f ms, max %.1f ms); failed %d, closed %d, reset %d, wrong bytes %d, timed out %d%n",
        lab.result().variant, result.established, result.connections, result.establishMs / 1e3,
        result.establishEachP50Ms, result.establishEachP99Ms, result.establishEachMaxMs, result.connectFailed,
        result.closedEarly, result.reset, result.wrongBytes, result.timedOut);
  }

  private void active(Matcher m) {
    result.activeAnswered = Integer.parseInt(m.group(1));
    result.activeClosed = Integer.parseInt(m.group(2));
    result.activeReset = Integer.parseInt(m.group(3));
    result.activeWrongBytes = Long.parseLong(m.group(4));
    result.activeNotSent = Integer.parseInt(m.group(5));
    result.activeTimedOut = Integer.parseInt(m.group(6));
    result.activeMs = Double.parseDouble(m.group(7));
    result.activeP50Ms = Double.parseDouble(m.group(8));
    result.activeP99Ms = Double.parseDouble(m.group(9));
    System.out.printf(Locale.ROOT, "  [%s] connections: %d of %d active answered in %.1f ms (p50 %.1f ms, p99 %.1f ms)"
        + ", wrong bytes %d, closed %d, reset %d, timed out %d%n", lab.result().variant, result.activeAnswered,
        Math.min(result.active, result.established), result.activeMs, result.activeP50Ms, result.activeP99Ms,
        result.activeWrongBytes, result.activeClosed, result.activeReset, result.activeTimedOut);
  }

  /**
   * Waits (bounded) until both demos and the service count {@code expected} open connections; the service's count
   * at the end, -1 if it printed none. The demos print their counts once a second, the service when they change.
   */
  private long settle(VariantRun.Tunnel tunnel, LabProcess service, int expected)
      throws IOException, InterruptedException {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
    while (true) {
      long serviceOpen = lastNumber(SERVICE_OPEN, service.output());
      if (serviceOpen == expected && JvmSample.demoOpenSockets(tunnel.host.output()) == expected
          && JvmSample.demoOpenSockets(tunnel.client.output()) == expected) {
        return serviceOpen;
      }
      if (System.nanoTime() - deadlineNs > 0) {
        System.out.printf(Locale.ROOT, "  [%s] connections: counts did not reach %d within %d ms: service %d, "
            + "demo host %d, demo client %d%n", lab.result().variant, expected, SETTLE_MS, serviceOpen,
            JvmSample.demoOpenSockets(tunnel.host.output()), JvmSample.demoOpenSockets(tunnel.client.output()));
        return serviceOpen;
      }
      Thread.sleep(POLL_MS);
    }
  }

  private static long lastNumber(Pattern pattern, String text) {
    long last = -1;
    for (Matcher m = pattern.matcher(text); m.find(); ) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }

  private void sample(String phase, VariantRun.Tunnel tunnel) throws IOException, InterruptedException {
    for (LabProcess demo : List.of(tunnel.host, tunnel.client)) {
      String role = demo == tunnel.host ? "host" : "client";
      JvmSample sample = JvmSample.take(phase, role, demo, lab.dir());
      result.samples.add(sample);
      System.out.printf(Locale.ROOT, "  [%s] connections %s, demo %s: %s%n", lab.result().variant, phase, role,
          sample.line());
    }
  }

  private void scanLog(LabProcess demo) throws IOException {
    for (String line : demo.output().split("\n")) {
      if (!line.startsWith("{") && PROBLEM.matcher(line).find() && !HARMLESS.matcher(line.strip()).matches()) {
        result.logErrors.add(demo.name() + ": " + line.strip());
      }
    }
  }
}
