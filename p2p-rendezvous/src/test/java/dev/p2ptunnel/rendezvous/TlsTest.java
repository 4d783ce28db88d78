package dev.p2ptunnel.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * mqtts:// against a real mosquitto with a certificate of a CA made for the test: joins go through when that CA is
 * trusted; the JDK's default trust store refuses the unknown CA, and a certificate for another address is refused
 * (host name verification is on).
 */
@Timeout(120)
class TlsTest {
  @RegisterExtension
  final BrokerFixture brokers = new BrokerFixture();

  private <T extends AutoCloseable> T track(T resource) {
    return brokers.track(resource);
  }

  @Test
  void shouldJoinOverTlsWithTheBrokersCaTrustedAndRefuseOtherwise() throws Exception {
    TestCa ca = TestCa.create();
    Mosquitto broker = track(Mosquitto.start("tls", ca.issue("broker", "127.0.0.1")));
    assertTrue(broker.uri().toString().startsWith("mqtts://127.0.0.1:"));
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).trustedCertificates(ca.caFile())
        .build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).trustedCertificates(ca.caFile()).build(),
        host.sessionId()));
    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = host.nextJoin().get(30, TimeUnit.SECONDS);
    request.accept(Fixtures.answer()).get(30, TimeUnit.SECONDS);
    assertEquals(Fixtures.ANSWER_SDP, ((dev.p2ptunnel.webrtc.JoinAnswer) join.firstReply().get(30, TimeUnit.SECONDS))
        .answer().sdp());

    // The JDK's default trust store does not know the test CA.
    MqttSignaling untrusting = track(new MqttSignaling(Fixtures.config(broker).build(), host.sessionId()));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> untrusting.join(Fixtures.offer()).firstReply().get(60, TimeUnit.SECONDS));
    assertEquals("cannot reach any rendezvous broker: " + broker.uri() + ": TLS: unable to find valid certification "
        + "path to requested target", e.getCause().getMessage());
  }

  @Test
  void shouldRefuseACertificateForAnotherAddress() throws Exception {
    TestCa ca = TestCa.create();
    Mosquitto broker = track(Mosquitto.start("tls-other-name", ca.issue("elsewhere", "10.9.9.9")));
    WebRtcException e = assertThrows(WebRtcException.class, () -> MqttHostSignaling.open(Fixtures.config(broker)
        .trustedCertificates(ca.caFile()).build()));
    assertEquals("cannot reach any rendezvous broker: " + broker.uri() + ": TLS: No subject alternative names "
        + "matching IP address 127.0.0.1 found", e.getMessage());
  }
}
