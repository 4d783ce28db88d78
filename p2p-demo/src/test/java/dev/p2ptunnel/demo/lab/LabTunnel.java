package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parties of one lab run, each its own JVM: {@code p2p-tunnel signal} on the WAN ({@code p2plab-wan}), the
 * shared service ({@link LabService}) and {@code p2p-tunnel host --yes} in {@code p2plab-host}, and
 * {@code p2p-tunnel client} in {@code p2plab-client}, which joins with the Session ID the host printed.
 * {@link #close()} kills every process it started. Not thread-safe.
 */
final class LabTunnel implements AutoCloseable {
  static final int SERVICE_PORT = 8080;
  static final int CLIENT_PORT = 9000;
  static final int SIGNALING_PORT = 8787;
  /** Bounds each step: JVM start, gathering, token exchange, ICE (docs/NETLAB.md: connecting takes < 0.5 s). */
  static final Duration STEP = Duration.ofSeconds(30);

  private final NetLab lab;
  private final String label;
  private final List<LabProcess> processes = new ArrayList<>();
  private final Path hostStats;
  private final Path clientStats;
  private long hostStartMs;
  private long setupMs = -1;
  private @Nullable LabProcess host;
  private List<String> hostArgs = List.of();
  private @Nullable Path hostHome;
  private int hostRuns;
  private @Nullable LabProcess client;
  private @Nullable LabProcess signal;
  private @Nullable String signalingUrl;
  private @Nullable String sessionId;
  private List<String> hostServices = List.of("--port", Integer.toString(SERVICE_PORT));
  private List<String> clientPorts = List.of("--port", Integer.toString(CLIENT_PORT));

  private LabTunnel(NetLab lab, String label) {
    this.lab = lab;
    this.label = label;
    this.hostStats = Path.of("target", "lab-logs", label + "-host-stats.jsonl");
    this.clientStats = Path.of("target", "lab-logs", label + "-client-stats.jsonl");
  }

  /**
   * Starts the signaling server and the service, then host and client with {@code iceArgs} ({@code --stun …},
   * {@code --turn …}); the client joins the host's session. Does not wait for the tunnel to open.
   */
  static LabTunnel launch(NetLab lab, String label, List<String> iceArgs) throws IOException, InterruptedException {
    return launch(lab, label, iceArgs, List.of("--port", Integer.toString(SERVICE_PORT)),
        List.of("--port", Integer.toString(CLIENT_PORT)));
  }

  /**
   * Like {@link #launch(NetLab, String, List)}, with the host's services ({@code --share …}) and the client's ports
   * ({@code --map …}) given instead of the one {@code --port} each.
   */
  static LabTunnel launch(NetLab lab, String label, List<String> iceArgs, List<String> hostServices,
      List<String> clientPorts) throws IOException, InterruptedException {
    LabTunnel tunnel = new LabTunnel(lab, label);
    tunnel.hostServices = hostServices;
    tunnel.clientPorts = clientPorts;
    try {
      tunnel.start(iceArgs);
      return tunnel;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      tunnel.close();
      throw e;
    }
  }

  private void start(List<String> iceArgs) throws IOException, InterruptedException {
    start(iceArgs, List.of());
  }

  private void start(List<String> iceArgs, List<String> moreHostArgs) throws IOException, InterruptedException {
    LabProcess service = track(LabProcess.helper(label + "-service", lab.get("NS_HOST"), LabService.class,
        List.of(Integer.toString(SERVICE_PORT))));
    service.awaitLine(line -> line.equals("listening 127.0.0.1:" + SERVICE_PORT), STEP);

    // The signaling server runs on the "internet", where both home networks reach it through their NATs.
    String url = "http://" + lab.get("SIGNALING_IP") + ":" + SIGNALING_PORT;
    LabProcess signal = track(LabProcess.demo(label + "-signal", lab.get("NS_WAN"),
        List.of("signal", "--bind", lab.get("SIGNALING_IP"), "--port", Integer.toString(SIGNALING_PORT))));
    signal.awaitLine(line -> line.startsWith("Signaling server listening on "), STEP);
    this.signal = signal;

    List<String> hostArgs = new ArrayList<>(List.of("host"));
    hostArgs.addAll(hostServices);
    hostArgs.addAll(List.of("--signal", url, "--yes", "--stats-json", hostStats.toString()));
    hostArgs.addAll(iceArgs);
    hostArgs.addAll(moreHostArgs);
    this.hostArgs = List.copyOf(hostArgs);
    this.hostHome = LabProcess.newConfigHome(label + "-host");
    hostStartMs = System.currentTimeMillis();
    LabProcess host = track(LabProcess.demo(label + "-host", lab.get("NS_HOST"), hostArgs, hostHome));
    this.host = host;
    String idLine = host.awaitLine(line -> line.startsWith("Session ID: "), STEP);
    signalingUrl = url;
    sessionId = idLine.substring("Session ID: ".length());
    List<String> clientArgs = new ArrayList<>(List.of("client"));
    clientArgs.addAll(clientPorts);
    clientArgs.addAll(List.of("--signal", url, "--session", idLine.substring("Session ID: ".length()), "--name",
        label, "--stats-json", clientStats.toString()));
    clientArgs.addAll(iceArgs);
    LabProcess client = track(LabProcess.demo(label + "-client", lab.get("NS_CLIENT"), clientArgs));
    this.client = client;
  }

  /**
   * Launches and waits for the first byte of {@code GET /hello} through the client's port (the probe connects as
   * soon as the client listens); records the setup time, host start to that first byte.
   */
  static LabTunnel open(NetLab lab, String label, List<String> iceArgs) throws IOException, InterruptedException {
    return open(lab, label, iceArgs, List.of());
  }

  /** As {@link #open(NetLab, String, List)}, with more arguments for the host ({@code --session-name …}). */
  static LabTunnel open(NetLab lab, String label, List<String> iceArgs, List<String> moreHostArgs)
      throws IOException, InterruptedException {
    LabTunnel tunnel = new LabTunnel(lab, label);
    try {
      LabProcess probe = tunnel.traffic("probe", List.of("first-byte", Integer.toString(CLIENT_PORT),
          Long.toString(STEP.toMillis() * 2)));
      tunnel.start(iceArgs, moreHostArgs);
      long firstByteMs = Long.parseLong(value(probe.awaitLine(line -> line.startsWith("first_byte_epoch_ms="),
          STEP.multipliedBy(2)), "first_byte_epoch_ms"));
      probe.awaitLine(line -> line.equals("hello=ok"), STEP);
      tunnel.setupMs = firstByteMs - tunnel.hostStartMs;
      LabResults.record(lab.variant(), label + " setup_ms=" + tunnel.setupMs
          + " (host start to first byte through the client)");
      return tunnel;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      tunnel.close();
      throw e;
    }
  }

  /** Host start to the first byte through the client, in ms, as measured by {@link #open}; -1 after launch. */
  long setupMs() {
    return setupMs;
  }

  LabProcess host() {
    return started(host);
  }

  LabProcess client() {
    return started(client);
  }

  /** The signaling server (its standard output is the access log: one line per request, with its route). */
  LabProcess signal() {
    return started(signal);
  }

  private static LabProcess started(@Nullable LabProcess process) {
    if (process == null) {
      throw new IllegalStateException("party: not started (expected: launch or open first)");
    }
    return process;
  }

  /**
   * Kills the host (SIGKILL: nothing is said to anyone) and starts it again with the same arguments and the same
   * installation (identity, trusted clients); returns the new host process, not yet waited for.
   */
  LabProcess restartHost() throws IOException, InterruptedException {
    host().kill();
    hostRuns++;
    LabProcess again = track(LabProcess.demo(label + "-host-" + hostRuns, lab.get("NS_HOST"), hostArgs,
        java.util.Objects.requireNonNull(hostHome, "hostHome")));
    this.host = again;
    return again;
  }

  /** A program of the machine in the host's namespace, killed with the run. */
  LabProcess onHost(String name, List<String> command) throws IOException {
    return track(LabProcess.command(label + "-" + name, lab.get("NS_HOST"), command));
  }

  /** A program of the machine in the client's namespace, killed with the run. */
  LabProcess onClient(String name, List<String> command) throws IOException {
    return track(LabProcess.command(label + "-" + name, lab.get("NS_CLIENT"), command));
  }

  /** The signaling server's URL and the host's Session ID, once launched. */
  List<String> session() {
    if (signalingUrl == null || sessionId == null) {
      throw new IllegalStateException("session: not launched");
    }
    return List.of(signalingUrl, sessionId);
  }

  /** A helper main of the lab tests in the client's namespace, killed with the run. */
  LabProcess helperOnClient(String name, Class<?> main, List<String> args) throws IOException {
    return track(LabProcess.helper(label + "-" + name, lab.get("NS_CLIENT"), main, args));
  }

  /** A {@link LabTraffic} JVM in the client's namespace. */
  LabProcess traffic(String name, List<String> args) throws IOException {
    return track(LabProcess.helper(label + "-" + name, lab.get("NS_CLIENT"), LabTraffic.class, args));
  }

  /** Waits for the client's "connected, path X" line and a --stats-json sample of host and client with that path. */
  void assertPath(String path) throws IOException, InterruptedException {
    client().awaitLine(line -> line.endsWith("connected, path " + path), STEP);
    host().awaitLine(line -> line.endsWith(") connected, path " + path), STEP);
    awaitStats(clientStats, "\"role\":\"client\",\"state\":\"OPEN\",\"path\":\"" + path + "\"");
    awaitStats(hostStats, "\"role\":\"host\",\"state\":\"OPEN\",\"path\":\"" + path + "\"");
    LabResults.record(lab.variant(), label + " path=" + path + " (client and host --stats-json)");
  }

  /** Downloads {@code n} bytes of {@code seed} from the service through the tunnel; checks count and SHA-256. */
  void download(long n, long seed, Duration timeout) throws IOException, InterruptedException {
    LabProcess get = traffic("get-" + n, List.of("get", Integer.toString(CLIENT_PORT), Long.toString(n),
        Long.toString(seed), Long.toString(timeout.toMillis())));
    String line = get.awaitLine(l -> l.startsWith("status=") || l.startsWith("error="), timeout.plus(STEP));
    assertEquals(0, get.awaitExit(STEP), "traffic exit code: " + get.stdout());
    Map<String, String> result = values(line);
    assertEquals("200", result.get("status"), line);
    assertEquals(Long.toString(n), result.get("bytes"), "bytes received through the tunnel");
    assertEquals(LabData.sha256(n, seed), result.get("sha256"), "SHA-256 of what came through the tunnel");
    long ms = Long.parseLong(result.get("ms"));
    LabResults.record(lab.variant(), label + " download bytes=" + n + " ms=" + ms + " MB/s="
        + LabResults.mbPerSecond(n, ms) + " sha256=ok");
  }

  /** Uploads {@code n} bytes of {@code seed} to the service's sink; checks what the service received. */
  void upload(long n, long seed, Duration timeout) throws IOException, InterruptedException {
    LabProcess post = traffic("post-" + n, List.of("post", Integer.toString(CLIENT_PORT), Long.toString(n),
        Long.toString(seed), Long.toString(timeout.toMillis())));
    String reply = post.awaitLine(l -> l.startsWith("reply=") || l.startsWith("error="), timeout.plus(STEP));
    assertEquals(0, post.awaitExit(STEP), "traffic exit code: " + post.stdout());
    Map<String, String> sent = values(post.awaitLine(l -> l.startsWith("status="), STEP));
    assertEquals("200", sent.get("status"));
    String expected = LabData.sha256(n, seed);
    assertEquals(expected, sent.get("sent_sha256"), "what the client side sent");
    assertEquals("reply=bytes=" + n + " sha256=" + expected, reply, "what the service received through the tunnel");
    long ms = Long.parseLong(sent.get("ms"));
    LabResults.record(lab.variant(), label + " upload bytes=" + n + " ms=" + ms + " MB/s="
        + LabResults.mbPerSecond(n, ms) + " sha256=ok");
  }

  /**
   * A total outage between the two home networks and the internet (every packet forwarded by either NAT dropped:
   * WebRTC and signaling alike), or its end.
   */
  void outage(boolean down) throws IOException, InterruptedException {
    for (String nat : List.of(lab.get("NS_NAT_A"), lab.get("NS_NAT_B"))) {
      if (down) {
        lab.exec(nat, "iptables", "-w", "-I", "FORWARD", "1", "-j", "DROP");
      } else {
        lab.exec(nat, "iptables", "-w", "-D", "FORWARD", "-j", "DROP");
      }
    }
  }

  /** Waits until the client's --stats-json has a line with {@code fragment}. */
  void awaitClientStats(String fragment) throws IOException, InterruptedException {
    awaitStats(clientStats, fragment);
  }

  /** Waits until the host's --stats-json has a line with {@code fragment}. */
  void awaitHostStats(String fragment) throws IOException, InterruptedException {
    awaitStats(hostStats, fragment);
  }

  private LabProcess track(LabProcess process) {
    processes.add(process);
    return process;
  }

  private static void awaitStats(Path file, String fragment) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STEP.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .anyMatch(line -> line.contains(fragment))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no --stats-json line with " + fragment + " in " + file + ": "
        + (Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : "(no file)"));
  }

  /** {@code key=value} pairs of one space-separated line. */
  static Map<String, String> values(String line) {
    Map<String, String> values = new HashMap<>();
    for (String pair : line.split(" ")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return values;
  }

  static String value(String line, String key) {
    String value = values(line).get(key);
    if (value == null) {
      throw new AssertionError("no " + key + "= in " + line);
    }
    return value;
  }

  /** Kills every process of this run (SIGKILL), newest first. Idempotent. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
