package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Joining at human speed, with real demo processes in the two-NAT lab ({@code netlab.sh up cone}), signaling on the
 * WAN: a person who approves a minute late, an answer token pasted three minutes after it was printed, a killed
 * client replaced at once, a flood of join requests from one address, a trusted client coming back and a host whose
 * identity changed. The person's delays are the scenario (the test waits until the moment a slow person acts);
 * everything else waits for the line it needs.
 */
@ResourceLock(NetLab.LOCK)
class PairingLabIT {
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final String CODE_LINE = "Short authentication code: ";
  private static final String WAITING = " \u2014 waiting for the host to approve";

  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("cone");

  private final List<LabProcess> processes = new ArrayList<>();

  @AfterEach
  void killAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }

  private static NetLab lab() {
    return LAB.lab();
  }

  private LabProcess track(LabProcess process) {
    processes.add(process);
    return process;
  }

  private String signal(String name, int port) throws IOException, InterruptedException {
    LabProcess signal = track(LabProcess.demo(name + "-signal", lab().get("NS_WAN"),
        List.of("signal", "--bind", lab().get("SIGNALING_IP"), "--port", Integer.toString(port))));
    signal.awaitLine(line -> line.startsWith("Signaling server listening on "), STEP);
    return "http://" + lab().get("SIGNALING_IP") + ":" + port;
  }

  private void service(String name, int port) throws IOException, InterruptedException {
    LabProcess service = track(LabProcess.helper(name + "-service", lab().get("NS_HOST"), LabService.class,
        List.of(Integer.toString(port))));
    service.awaitLine(line -> line.equals("listening 127.0.0.1:" + port), STEP);
  }

  private LabProcess host(String name, Path home, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("host", "--stun", lab().get("STUN")));
    all.addAll(List.of(args));
    return track(LabProcess.demo(name, lab().get("NS_HOST"), all, home));
  }

  private LabProcess client(String name, Path home, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("client", "--stun", lab().get("STUN")));
    all.addAll(List.of(args));
    return track(LabProcess.demo(name, lab().get("NS_CLIENT"), all, home));
  }

  /** GET /hello through the client's port; fails unless the service answered through the tunnel. */
  private void assertServed(String name, int clientPort) throws IOException, InterruptedException {
    LabProcess probe = track(LabProcess.helper(name + "-probe", lab().get("NS_CLIENT"), LabTraffic.class,
        List.of("first-byte", Integer.toString(clientPort), Long.toString(STEP.toMillis()))));
    probe.awaitLine(line -> line.equals("hello=ok"), STEP);
  }

  private static String sessionId(LabProcess host) throws InterruptedException {
    return host.awaitLine(line -> line.startsWith("Session ID: "), STEP).substring("Session ID: ".length());
  }

  private static String code(String line, String prefix) {
    return line.substring(prefix.length(), prefix.length() + 7);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Waits until {@code epochMs}: a person who acts late is the scenario, not a synchronisation. */
  private static void actAt(long epochMs) throws InterruptedException {
    long left = epochMs - System.currentTimeMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
  }

  /** Minutes long by nature (the person's three minutes): tag "long", run by {@code mvn -Plong verify}, a CI step. */
  @Test
  @Tag("long")
  @Timeout(420)
  void shouldConnectAfterApprovingAMinuteLateAndAfterPastingTheAnswerTokenThreeMinutesLate() throws Exception {
    // Offline first: its three minutes run while the signaling scenario happens. A hole-punched path needs both
    // sides' checks within about half a minute of each other (docs/SIGNALING.md); a token pasted minutes later
    // connects through the TURN relay, whose allocation and permissions stay alive meanwhile.
    service("late-offline", 8082);
    String[] turn = {"--turn", lab().get("TURN"), "--turn-user", lab().get("TURN_USER"), "--turn-pass",
        lab().get("TURN_PASS")};
    LabProcess offlineHost = host("late-offline-host", LabProcess.newConfigHome("late-offline-host"),
        concat(new String[] {"--port", "8082", "--offline"}, turn));
    LabProcess offlineClient = client("late-offline-client", LabProcess.newConfigHome("late-offline-client"),
        concat(new String[] {"--port", "9002", "--offline", "--name", "bea"}, turn));
    offlineHost.type(offlineClient.awaitLine(line -> line.startsWith("p2pt1."), STEP));
    String answerToken = offlineHost.awaitLine(line -> line.startsWith("p2pt1."), STEP);
    long answerPrintedMs = System.currentTimeMillis();

    service("late-approval", 8081);
    String url = signal("late-approval", 8788);
    LabProcess host = host("late-approval-host", LabProcess.newConfigHome("late-approval-host"), "--port", "8081",
        "--signal", url);
    LabProcess client = client("late-approval-client", LabProcess.newConfigHome("late-approval-client"),
        "--signal", url, "--session", sessionId(host), "--port", "9001", "--name", "ann");
    String prompt = "Join request from 'ann' at " + lab().get("NAT_B_WAN") + ", short authentication code ";
    String hostCode = code(host.awaitLine(line -> line.startsWith(prompt), STEP), prompt);
    long askedMs = System.currentTimeMillis();
    String clientCode = code(client.awaitLine(line -> line.startsWith(CODE_LINE) && line.endsWith(WAITING), STEP),
        CODE_LINE);
    assertEquals(hostCode, clientCode, "both sides printed the same code before the approval");
    actAt(askedMs + 60_000);
    assertTrue(client.stdout().stream().noneMatch(line -> line.startsWith("Connect your app to")),
        "nothing connected during the minute");
    host.type("y");
    client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:9001"), STEP);
    assertServed("late-approval", 9001);
    LabResults.record(lab().variant(), "approved 60 s after the prompt: tunnel works, code " + hostCode
        + " on both sides before the approval");

    actAt(answerPrintedMs + 180_000);
    offlineClient.type(answerToken);
    String offlineCode = code(offlineClient.awaitLine(line -> line.startsWith(CODE_LINE) && line.endsWith(WAITING),
        STEP), CODE_LINE);
    offlineHost.awaitLine(line -> line.equals("Join request from 'bea', short authentication code " + offlineCode),
        STEP);
    offlineHost.type("y");
    offlineClient.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:9002"), STEP);
    offlineClient.awaitLine(line -> line.endsWith("connected, path relayed"), STEP);
    assertServed("late-offline", 9002);
    LabResults.record(lab().variant(), "offline answer token pasted "
        + (System.currentTimeMillis() - answerPrintedMs) / 1000 + " s after it was printed: tunnel works, code "
        + offlineCode + " on both sides before the approval, path relayed");
  }

  @Test
  @Timeout(120)
  void shouldLetANewClientJoinAsSoonAsTheHostNoticedAKilledOne() throws Exception {
    service("rejoin", 8083);
    String url = signal("rejoin", 8789);
    // --keepalive 2s,6s: the subject is the place freed once the host noticed, not how long the default 15 s takes
    LabProcess host = host("rejoin-host", LabProcess.newConfigHome("rejoin-host"), "--port", "8083", "--signal",
        url, "--yes", "--keepalive", "2s,6s");
    String session = sessionId(host);
    LabProcess first = client("rejoin-first", LabProcess.newConfigHome("rejoin-first"), "--signal", url,
        "--session", session, "--port", "9003", "--name", "first");
    first.awaitLine(line -> line.startsWith("Connect your app to"), STEP);
    // The next client is started ahead and idle (libwebrtc loaded), so that the figure is the join, not a JVM start.
    LabProcess second = track(LabProcess.helper("rejoin-second", lab().get("NS_CLIENT"), LabJoin.class,
        List.of(url, session, "9004", lab().get("STUN"), "second")));
    second.awaitLine(line -> line.equals("ready"), STEP);
    first.kill();
    // The host keeps a lost client's connections for its grace period, but frees its place at once: the next client
    // may join as soon as the host noticed, and the first one then gives its place up.
    host.awaitLine(line -> line.contains("'first' (code ") && line.contains(") lost ("), Duration.ofSeconds(40));
    long noticedMs = System.currentTimeMillis();
    second.type("go");
    long answeredMs = Long.parseLong(LabTunnel.value(second.awaitLine(line -> line.startsWith("code_epoch_ms="),
        STEP), "code_epoch_ms")) - noticedMs;
    long openMs = Long.parseLong(LabTunnel.value(second.awaitLine(line -> line.startsWith("open_epoch_ms="), STEP),
        "open_epoch_ms")) - noticedMs;
    host.awaitLine(line -> line.contains("approved client #2 'second'"), STEP);
    host.awaitLine(line -> line.contains("'first' (code ") && line.contains(") left: another client took its place"),
        STEP);
    assertServed("rejoin", 9004);
    LabResults.record(lab().variant(), "rejoin after kill -9: the next client's join answered " + answeredMs
        + " ms and its tunnel open " + openMs + " ms after the host noticed (keepalive)");
    // The figure (about 1-2 s on this machine) is recorded above; what is asserted is its cause: the place was free
    // at once. A place held for the lost client would make the second join wait for the 2-min grace or be refused,
    // so a bound well under the grace tells the two apart at any load without being a timing claim.
    assertTrue(openMs < 60_000, "the second client joined " + openMs
        + " ms after the host noticed: its place was not freed when the first client was lost");
  }

  @Test
  @Timeout(180)
  void shouldShowOnePromptForAFloodFromOneAddressAndStillLetTheRealClientJoin() throws Exception {
    service("flood", 8085);
    String url = signal("flood", 8790);
    LabProcess host = host("flood-host", LabProcess.newConfigHome("flood-host"), "--port", "8085", "--signal", url);
    String session = sessionId(host);
    // The flooder is a stranger with an address of its own (the WAN namespace), not a program behind the host's NAT:
    // the signaling server caps connections per address (64), and a flood from the host's own address would take
    // the host's long poll down with it.
    LabProcess flood = track(LabProcess.helper("flood-flooder", lab().get("NS_WAN"), LabFlood.class,
        List.of(url, session, "100")));
    host.awaitLine(line -> line.startsWith("Join request from 'flood-"), STEP);
    flood.awaitLine(line -> line.equals("flood done"), Duration.ofSeconds(60));
    LabProcess real = client("flood-real", LabProcess.newConfigHome("flood-real"), "--signal", url, "--session",
        session, "--port", "9005", "--name", "real");
    String clientCode = code(real.awaitLine(line -> line.startsWith(CODE_LINE), STEP), CODE_LINE);
    host.type("n");
    host.awaitLine(line -> line.equals("Join request from 'real' at " + lab().get("NAT_B_WAN")
        + ", short authentication code " + clientCode), STEP);
    host.type("y");
    real.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:9005"), STEP);
    assertServed("flood", 9005);
    long floodPrompts = host.stdout().stream().filter(line -> line.startsWith("Join request from 'flood-")).count();
    List<String> outcomes = flood.stdout().stream().filter(line -> line.startsWith("flood_outcome ")).toList();
    LabResults.record(lab().variant(), "flood of 100 joins from one address: " + floodPrompts
        + " prompt(s) on the host; outcomes " + outcomes);
    assertEquals(1, floodPrompts, "one visible prompt for the whole flood: " + host.stdout());
  }

  @Test
  @Timeout(180)
  void shouldLetATrustedClientBackWithoutAPromptAndRefuseAHostWhoseIdentityChanged() throws Exception {
    service("trust", 8086);
    String url = signal("trust", 8791);
    Path hostHome = LabProcess.newConfigHome("trust-host");
    Path clientHome = LabProcess.newConfigHome("trust-client");
    LabProcess host = host("trust-host", hostHome, "--port", "8086", "--signal", url, "--session-name", "lab");
    String session = sessionId(host);
    LabProcess first = client("trust-client-1", clientHome, "--signal", url, "--session", session, "--port", "9006",
        "--name", "alice");
    host.awaitLine(line -> line.startsWith("Join request from 'alice'"), STEP);
    host.type("a");
    first.awaitLine(line -> line.startsWith("Connect your app to"), STEP);
    first.signal("TERM");
    assertEquals(0, first.awaitExit(STEP));
    host.awaitLine(line -> line.contains("'alice' (code ") && line.contains(") left: "), STEP);

    LabProcess again = client("trust-client-2", clientHome, "--signal", url, "--session", session, "--port", "9007",
        "--name", "alice");
    host.awaitLine(line -> line.contains("approved client #2 'alice'") && line.contains("(trusted identity, not "
        + "asked)"), STEP);
    again.awaitLine(line -> line.startsWith("Connect your app to"), STEP);
    assertServed("trust", 9007);
    assertEquals(1, host.stdout().stream().filter(line -> line.startsWith("Join request from 'alice'")).count(),
        "the trusted client came back without a prompt");
    again.signal("TERM");
    assertEquals(0, again.awaitExit(STEP));
    host.signal("TERM");
    assertEquals(0, host.awaitExit(STEP));

    // The host resets its identity (the documented way: delete the two identity files) and keeps its Session ID.
    Files.delete(hostHome.resolve("p2p-tunnel/identity-key.pem"));
    Files.delete(hostHome.resolve("p2p-tunnel/identity-cert.pem"));
    LabProcess reset = host("trust-host-reset", hostHome, "--port", "8086", "--signal", url, "--session-name",
        "lab");
    assertEquals(session, sessionId(reset), "the same --session-name gives the same Session ID after a restart");
    LabProcess refused = client("trust-client-3", clientHome, "--signal", url, "--session", session, "--port",
        "9008", "--name", "alice");
    assertEquals(1, refused.awaitExit(STEP), "a changed host identity is refused");
    List<String> errors = refused.stderr();
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("THE HOST'S IDENTITY HAS CHANGED for http://"), errors.get(0));
    assertTrue(reset.stdout().stream().noneMatch(line -> line.startsWith("Join request from")),
        "the host was not even asked");
    LabResults.record(lab().variant(), "trusted client rejoined without a prompt; changed host identity refused: "
        + errors.get(0));
  }
}
