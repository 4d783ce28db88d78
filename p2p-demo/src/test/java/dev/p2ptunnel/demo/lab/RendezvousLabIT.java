package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Rendezvous in the two-NAT lab ({@code netlab.sh up cone}): real mosquitto brokers on the lab's internet, the demo's
 * host and client behind their home routers meeting through them with nothing else to run, and a subscriber on
 * {@code #} recording what the broker relayed. The brokers are always given with {@code --rendezvous}: no test
 * contacts a public broker (the build sets P2P_TUNNEL_NO_PUBLIC_BROKERS, which makes the built-in list an error).
 */
@ResourceLock(NetLab.LOCK)
class RendezvousLabIT {
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final String CODE_LINE = "Short authentication code: ";

  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("cone");

  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void requireMosquitto() {
    LabBroker.assumeInstalled();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  private static NetLab lab() {
    return LAB.lab();
  }

  private <T extends AutoCloseable> T track(T resource) {
    open.add(resource);
    return resource;
  }

  private void service(String name, int port) throws IOException, InterruptedException {
    LabProcess service = track(LabProcess.helper(name + "-service", lab().get("NS_HOST"), LabService.class,
        List.of(Integer.toString(port))));
    service.awaitLine(line -> line.equals("listening 127.0.0.1:" + port), STEP);
  }

  private LabProcess demo(String name, String namespace, List<String> args) throws IOException {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--stun", lab().get("STUN")));
    return track(LabProcess.demo(name, namespace, all, LabProcess.newConfigHome(name)));
  }

  private void assertServed(String name, int clientPort) throws IOException, InterruptedException {
    LabProcess probe = track(LabProcess.helper(name + "-probe", lab().get("NS_CLIENT"), LabTraffic.class,
        List.of("first-byte", Integer.toString(clientPort), Long.toString(STEP.toMillis()))));
    probe.awaitLine(line -> line.equals("hello=ok"), STEP);
  }

  private static long countMatching(List<String> lines, String text) {
    return lines.stream().filter(line -> line.contains("discarded a message") && line.contains(text)).count();
  }

  private static String sessionId(LabProcess host) throws InterruptedException {
    return host.awaitLine(line -> line.startsWith("Session ID: "), STEP).substring("Session ID: ".length());
  }

  @Test
  @Timeout(180)
  void shouldTunnelThroughABrokerOverTlsThatSeesNoDescriptionNameOrAddress() throws Exception {
    String wan = lab().get("WAN_IP");
    LabBroker broker = track(LabBroker.start("rdv-tls", lab().get("NS_WAN"), wan, 1883, 8883));
    broker.record(lab().get("NS_WAN"), wan, 1883);
    Path ca = broker.caFile();
    String url = "mqtts://" + wan + ":8883";
    service("rdv-tls", 8091);
    // --verbose: the host logs every message it refuses (on stderr), which the replays below look for.
    LabProcess host = demo("rdv-tls-host", lab().get("NS_HOST"), List.of("host", "--port", "8091", "--rendezvous",
        url, "--rendezvous-ca", ca.toString(), "--verbose"));
    host.awaitLine(line -> line.equals("Rendezvous through the MQTT broker (" + url + "), end-to-end encrypted: they "
        + "see neither addresses nor names."), STEP);
    String session = sessionId(host);
    assertTrue(session.matches("[0-9A-Z]{4}(-[0-9A-Z]{4}){3}"), session);
    host.awaitLine(line -> line.equals("Give it to the client, who runs: p2p-tunnel client --session " + session
        + " --port 8091 --rendezvous " + url + " --rendezvous-ca ca.pem (a copy of " + ca + ")"), STEP);
    // The person reads the ID out meanwhile; on this busy 2-core lab the host took up to 17 s to be listening.
    host.awaitLine(line -> line.endsWith("rendezvous broker " + url + ": connected"), Duration.ofSeconds(60));
    long clientStartMs = System.currentTimeMillis();
    LabProcess client = demo("rdv-tls-client", lab().get("NS_CLIENT"), List.of("client", "--session", session,
        "--port", "9091", "--name", "carol", "--rendezvous", url, "--rendezvous-ca", ca.toString()));
    String clientCode = client.awaitLine(line -> line.startsWith(CODE_LINE), STEP).substring(CODE_LINE.length(),
        CODE_LINE.length() + 7);
    long codeMs = System.currentTimeMillis() - clientStartMs;
    host.awaitLine(line -> line.equals("Join request from 'carol', short authentication code " + clientCode), STEP);
    long approvedAtMs = System.currentTimeMillis();
    host.type("y");
    client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:9091"), STEP);
    long connectedMs = System.currentTimeMillis() - approvedAtMs;
    assertServed("rdv-tls", 9091);
    LabResults.record(lab().variant(), "rendezvous over TLS: client JVM start -> code shown " + codeMs
        + " ms; approval typed -> 'Connect your app' " + connectedMs + " ms");

    List<LabBroker.Message> seen = broker.recorded();
    assertTrue(seen.size() >= 8, "hello, welcome, offer, pending, challenge, reveal, pending, answer: " + seen.size());
    assertTrue(seen.stream().filter(m -> m.topic().endsWith("/h")).count() >= 3
        && seen.stream().filter(m -> m.topic().endsWith("/c")).count() >= 4, "both directions recorded");
    // At least 5 bytes each: ciphertext is random, and a short string turns up in a few thousand bytes by chance.
    List<String> secrets = List.of("v=0\r\n", "a=candidate", "a=fingerprint", "sha-256", "carol", session,
        session.replace("-", ""), lab().get("HOST_IP"), lab().get("CLIENT_IP"), lab().get("NAT_A_WAN"),
        lab().get("NAT_B_WAN"), "192.168.");
    for (LabBroker.Message message : seen) {
      assertTrue(message.topic().startsWith("p2p-tunnel/v1/"), message.topic());
      for (String secret : secrets) {
        assertFalse(message.topic().contains(secret), secret + " in the topic " + message.topic());
        assertFalse(new String(message.payload(), StandardCharsets.ISO_8859_1).contains(secret), secret
            + " in a message on " + message.topic());
      }
    }
    String log = broker.log();
    for (String secret : List.of("a=candidate", "a=fingerprint", "carol", lab().get("HOST_IP"), lab().get("CLIENT_IP"),
        session)) {
      assertFalse(log.contains(secret), secret + " in the broker's log");
    }
    LabResults.record(lab().variant(), "rendezvous over TLS: tunnel works; the broker relayed " + seen.size()
        + " messages, none with SDP, name or address in clear");

    // Everything the client sent, replayed as is and with one byte changed, through the broker's plain listener.
    List<LabBroker.Message> toHost = seen.stream().filter(m -> m.topic().endsWith("/h")).toList();
    for (LabBroker.Message message : toHost) {
      broker.publish(lab().get("NS_WAN"), wan, 1883, message.topic(), message.payload());
      byte[] changed = message.payload().clone();
      changed[changed.length - 20] ^= 0x40;
      broker.publish(lab().get("NS_WAN"), wan, 1883, message.topic(), changed);
    }
    // Each refusal is one log line: wait until there is one per injected message of each kind.
    host.awaitErrLine(line -> countMatching(host.stderr(), "already") >= toHost.size(), STEP);
    host.awaitErrLine(line -> countMatching(host.stderr(), "authentication failed") >= toHost.size(), STEP);
    assertEquals(1, host.stdout().stream().filter(line -> line.startsWith("Join request from")).count(),
        "no replay or changed copy became a join request: " + host.stdout());
    LabResults.record(lab().variant(), "rendezvous: " + toHost.size() + " replayed and " + toHost.size()
        + " changed client messages injected through the broker, each refused by the host, no new join request");
  }

  @Test
  @Timeout(180)
  void shouldJoinThroughTheOtherBrokerWhenOneOfTwoIsStopped() throws Exception {
    String wan = lab().get("WAN_IP");
    LabBroker first = track(LabBroker.start("rdv-a", lab().get("NS_WAN"), wan, 1885, 0));
    track(LabBroker.start("rdv-b", lab().get("NS_WAN"), wan, 1886, 0));
    String a = "mqtt://" + wan + ":1885";
    String b = "mqtt://" + wan + ":1886";
    service("rdv-two", 8092);
    LabProcess host = demo("rdv-two-host", lab().get("NS_HOST"), List.of("host", "--port", "8092", "--yes",
        "--rendezvous", a, "--rendezvous", b));
    String session = sessionId(host);
    host.awaitLine(line -> line.endsWith("rendezvous broker " + b + ": connected"), Duration.ofSeconds(60));
    first.stopBroker();
    host.awaitLine(line -> line.contains("rendezvous broker " + a + ": ") && line.endsWith("; trying again"), STEP);
    LabProcess client = demo("rdv-two-client", lab().get("NS_CLIENT"), List.of("client", "--session", session,
        "--port", "9092", "--name", "dave", "--rendezvous", a, "--rendezvous", b));
    client.awaitLine(line -> line.equals("Connect your app to 127.0.0.1:9092"), STEP);
    assertServed("rdv-two", 9092);
    assertTrue(client.stdout().stream().anyMatch(line -> line.contains("rendezvous broker " + a + ": ")),
        "the client tried the stopped broker too: " + client.stdout());
    LabResults.record(lab().variant(), "rendezvous with two brokers, one stopped: joined through the other");
  }

  @Test
  @Timeout(120)
  void shouldSayThatNoHostAnswersAWrongSessionId() throws Exception {
    String wan = lab().get("WAN_IP");
    track(LabBroker.start("rdv-wrong", lab().get("NS_WAN"), wan, 1887, 0));
    String url = "mqtt://" + wan + ":1887";
    service("rdv-wrong", 8093);
    LabProcess host = demo("rdv-wrong-host", lab().get("NS_HOST"), List.of("host", "--port", "8093",
        "--rendezvous", url));
    String session = sessionId(host);
    host.awaitLine(line -> line.endsWith("rendezvous broker " + url + ": connected"), Duration.ofSeconds(60));
    String wrong = (session.charAt(0) == '7' ? "8" : "7") + session.substring(1);
    // --find-timeout 5s (default 30 s): the subject is the client's verdict and its words, not the default's length
    LabProcess client = demo("rdv-wrong-client", lab().get("NS_CLIENT"), List.of("client", "--session", wrong,
        "--port", "9093", "--rendezvous", url, "--find-timeout", "5s"));
    assertEquals(1, client.awaitExit(Duration.ofSeconds(90)), "the client gives up on its own");
    List<String> errors = client.stderr();
    assertEquals(List.of("p2p-tunnel: the tunnel did not open: tunnel setup failed: no host answered Session ID "
        + wrong + " within 5 s through " + url + ": check the Session ID (a typo leads nowhere) and that the host is "
        + "running with the same brokers"), errors.stream().filter(line -> line.startsWith("p2p-tunnel: ")).toList());
    assertTrue(host.stdout().stream().noneMatch(line -> line.startsWith("Join request from")), host.stdout()
        .toString());
  }
}
