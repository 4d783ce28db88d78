package dev.p2ptunnel.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.JoinOffer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker lists as users write them, the built-in public list (checked without connecting: no test contacts a public
 * broker) and the guard that keeps every test away from it.
 */
class RendezvousConfigTest {
  private static String refused(String... uris) {
    return assertThrows(IllegalArgumentException.class,
        () -> RendezvousConfig.builder(java.util.Arrays.stream(uris).map(URI::create).toList())).getMessage();
  }

  @Test
  void shouldReadBrokerUrisWithDefaultPortsAndLogins() {
    RendezvousConfig config = RendezvousConfig.builder(List.of(URI.create("mqtt://a.example"),
        URI.create("mqtts://b.example"), URI.create("mqtts://me:p%40ss+word@c.example:9883/"),
        URI.create("mqtt://[::1]:1884"))).build();
    assertEquals(List.of("mqtt://a.example:1883", "mqtts://b.example:8883", "mqtts://me@c.example:9883",
        "mqtt://[::1]:1884"), config.brokers(), "never a password");
    assertFalse(config.toString().contains("p%40ss") || config.toString().contains("p@ss"), config.toString());
    assertEquals(RendezvousConfig.DEFAULT_FIND_TIMEOUT, config.findTimeout());
    assertFalse(config.usesPublicBrokers());
  }

  @Test
  void shouldRefuseBrokerUrisNamingTheMistake() {
    assertEquals("broker http://a:1883: scheme 'http' (expected: mqtt://HOST[:PORT] or mqtts://HOST[:PORT])",
        refused("http://a:1883"));
    assertEquals("broker a:1883: scheme 'a' (expected: mqtt://HOST[:PORT] or mqtts://HOST[:PORT])",
        refused("a:1883"));
    assertEquals("broker mqtt:///x: no host (expected: mqtt://HOST[:PORT] or mqtts://HOST[:PORT])",
        refused("mqtt:///x"));
    assertEquals("broker mqtt://a/topic: a path, query or fragment (expected: mqtt://HOST[:PORT] or "
        + "mqtts://HOST[:PORT])", refused("mqtt://a/topic"));
    assertEquals("broker mqtt://u:***@a/x: a path, query or fragment (expected: mqtt://HOST[:PORT] or "
        + "mqtts://HOST[:PORT])", refused("mqtt://u:secret@a/x"));
    assertEquals("broker mqtt://A:1883 is listed twice", refused("mqtt://a", "mqtt://A:1883"));
    assertEquals("brokers: 0 (expected: 1..16)", assertThrows(IllegalArgumentException.class,
        () -> RendezvousConfig.builder(List.of())).getMessage());
    assertEquals("findTimeout: PT0.5S (expected: at least 1 s)", assertThrows(IllegalArgumentException.class,
        () -> RendezvousConfig.builder(List.of(URI.create("mqtt://a"))).findTimeout(Duration.ofMillis(500)))
        .getMessage());
  }

  @Test
  void shouldListWellKnownPublicBrokersOverTlsFromDifferentOperators() {
    List<URI> brokers = RendezvousConfig.PUBLIC_BROKERS;
    assertTrue(brokers.size() >= 3, "one broker down changes nothing: " + brokers);
    Set<String> operators = new HashSet<>();
    for (URI broker : brokers) {
      assertEquals("mqtts", broker.getScheme(), broker + " uses TLS");
      assertTrue(broker.getPort() > 0, broker + " names its TLS port");
      String[] labels = broker.getHost().split("\\.");
      operators.add(labels[labels.length - 2]);
    }
    assertEquals(brokers.size(), operators.size(), "each from another operator: " + operators);
    assertEquals(List.of("mqtts://broker.hivemq.com:8883", "mqtts://broker.emqx.io:8883",
        "mqtts://test.mosquitto.org:8886", "mqtts://mqtt.eclipseprojects.io:8883"),
        brokers.stream().map(URI::toString).toList());
  }

  @Test
  void shouldRefuseThePublicBrokersInTheTestSuite() throws Exception {
    Assumptions.assumeTrue(System.getenv(RendezvousConfig.NO_PUBLIC_BROKERS) != null,
        "the build sets " + RendezvousConfig.NO_PUBLIC_BROKERS + " for every test JVM");
    IllegalStateException refused = assertThrows(IllegalStateException.class, RendezvousConfig::publicBrokers);
    assertEquals("the built-in public MQTT brokers are disabled in this environment (P2P_TUNNEL_NO_PUBLIC_BROKERS=1, "
        + "set by the test suite so that no test reaches the internet): give the brokers explicitly",
        refused.getMessage());
    // Named one by one, they are refused all the same, before any connection is tried.
    try (MqttSignaling client = new MqttSignaling(RendezvousConfig.builder(RendezvousConfig.PUBLIC_BROKERS)
        .connectTimeout(Duration.ofSeconds(1)).build(), RendezvousId.random())) {
      JoinOffer offer = Fixtures.offer();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.join(offer).firstReply().get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().startsWith("cannot reach any rendezvous broker: "
          + "mqtts://broker.hivemq.com:8883: the built-in public MQTT brokers are disabled"), e.getCause().getMessage());
    }
  }

  @Test
  void shouldReadTrustedCertificatesFromPemSayingWhatIsWrong(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertEquals(empty + ": no certificate in it (expected: -----BEGIN CERTIFICATE----- blocks)",
        assertThrows(IOException.class, () -> RendezvousConfig.builder(List.of(URI.create("mqtts://a")))
            .trustedCertificates(empty)).getMessage());
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
        + "-----END CERTIFICATE-----\n");
    assertTrue(assertThrows(IOException.class, () -> RendezvousConfig.builder(List.of(URI.create("mqtts://a")))
        .trustedCertificates(garbage)).getMessage().startsWith(garbage + ": not PEM certificates ("));
    Path missing = dir.resolve("missing.pem");
    assertThrows(IOException.class, () -> RendezvousConfig.builder(List.of(URI.create("mqtts://a")))
        .trustedCertificates(missing));
  }
}
