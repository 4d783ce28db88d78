package dev.p2ptunnel.rendezvous;

import static dev.p2ptunnel.rendezvous.BrokerFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.p2ptunnel.rendezvous.internal.SessionSecrets;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys that take longer to derive than the brokers' bounds, as the key stretching does in a cold JVM on a busy machine
 * (seconds at load 14, docs/PERFORMANCE.md): the host still opens and the client still finds it. The bounds are for
 * the network steps and start once the keys are there; before, a host failed with "no rendezvous broker answered
 * within 11 s" against a broker that had long answered.
 */
@Timeout(120)
class SlowKeysTest {
  @RegisterExtension
  final BrokerFixture brokers = new BrokerFixture();

  @Test
  void shouldOpenAndFindTheHostWhenTheKeysTakeLongerThanTheBrokersBounds() throws Exception {
    Mosquitto broker = brokers.track(Mosquitto.start("slow-keys"));
    // Bounds of 2 × 2 s + 5 s (the host's open) and 2 s + 2 s (the client's wait for a broker).
    RendezvousConfig config = Fixtures.config(broker).connectTimeout(Duration.ofSeconds(2)).build();
    String sessionId = RendezvousId.random();
    SessionSecrets secrets = SessionSecrets.derive(RendezvousId.canonical(sessionId));
    CompletableFuture<SessionSecrets> hostKeys = new CompletableFuture<>();
    CompletableFuture<SessionSecrets> clientKeys = new CompletableFuture<>();
    MqttHostSignaling started = brokers.track(MqttHostSignaling.start(config, sessionId, hostKeys));
    CompletableFuture<MqttHostSignaling> opened = CompletableFuture.supplyAsync(() -> MqttHostSignaling.open(started));
    MqttSignaling client = brokers.track(new MqttSignaling(config, sessionId, clientKeys));
    ClientJoin join = client.join(Fixtures.offer());

    // The keys come after both bounds have passed, counted from the start.
    CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
      assertFalse(opened.isDone(), "the host opened without its keys");
      assertFalse(join.firstReply().isDone(), "the client's join ended without its keys");
      hostKeys.complete(secrets);
      clientKeys.complete(secrets);
    }, CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS));

    get(released);
    MqttHostSignaling host = get(opened);
    JoinRequest request = get(host.nextJoin());
    assertEquals(Fixtures.NAME, request.offer().clientName());
    assertEquals(sessionId, host.sessionId());
  }
}
