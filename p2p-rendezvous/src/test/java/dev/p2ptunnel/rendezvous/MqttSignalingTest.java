package dev.p2ptunnel.rendezvous;

import static dev.p2ptunnel.rendezvous.BrokerFixture.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The join exchange through real mosquitto brokers on loopback, through the library's interfaces (no WebRTC: the
 * descriptions are recognisable text): every step arrives intact, refusals and withdrawals travel, a broker that is
 * down or restarts changes nothing, a wrong Session ID and unreachable brokers are reported in words, and the brokers
 * see nothing of what travels.
 */
@Timeout(120)
class MqttSignalingTest {
  @RegisterExtension
  final BrokerFixture brokers = new BrokerFixture();

  private <T extends AutoCloseable> T track(T resource) {
    return brokers.track(resource);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(60, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void shouldCarryEveryStepOfAPairedJoinWhileTheBrokerSeesNoneOfIt() throws Exception {
    Mosquitto broker = track(Mosquitto.start("steps"));
    Recorder recorder = track(Recorder.on(broker.uri()));
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).build(), host.sessionId().toLowerCase(
        java.util.Locale.ROOT)));
    assertEquals(host.sessionId(), client.sessionId());
    assertEquals("rendezvous:" + host.sessionId(), client.hostKey());

    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = get(host.nextJoin());
    JoinOffer offer = request.offer();
    assertEquals(Fixtures.NAME, offer.clientName());
    assertEquals(Fixtures.OFFER_SDP, offer.offer().sdp());
    assertArrayEquals(Fixtures.offer().commitment(), offer.commitment());
    assertNull(request.clientAddress(), "a broker does not say who published");
    assertTrue(request.twoStage());

    CompletableFuture<JoinReveal> revealed = request.challenge(Fixtures.challenge());
    JoinChallenge challenge = assertInstanceOf(JoinChallenge.class, get(join.firstReply()));
    assertEquals(Fixtures.HOST_FP, challenge.hostFingerprint());
    assertArrayEquals(Fixtures.HOST_NONCE, challenge.hostNonce());

    CompletableFuture<JoinAnswer> answered = join.reveal(Fixtures.reveal());
    JoinReveal reveal = get(revealed);
    assertArrayEquals(Fixtures.CLIENT_NONCE, reveal.clientNonce());
    assertArrayEquals(new byte[] {1, 2, 3}, reveal.certificate());
    assertArrayEquals(new byte[] {4, 5}, reveal.proof());

    get(request.accept(Fixtures.answer()));
    JoinAnswer answer = get(answered);
    assertEquals(Fixtures.ANSWER_SDP, answer.answer().sdp());
    assertNull(answer.hostNonce());

    // hello, welcome, offer, pending, challenge, reveal, pending, answer: at least eight messages went through.
    List<Recorder.Seen> seen = recorder.await(message -> message.topic().startsWith("p2p-tunnel/v1/"), 8);
    assertSeesNothing(seen, host.sessionId());
  }

  /** The rendezvous trust model, checked on what the broker relayed. */
  static void assertSeesNothing(List<Recorder.Seen> seen, String sessionId) {
    // At least 5 bytes each: ciphertext is random, and a 2-byte string turns up in a few hundred bytes by chance.
    List<String> secrets = List.of("v=0\r\n", "a=candidate", "a=fingerprint", "sha-256", "C1:C1", "4B:4B", "192.168.",
        "127.0.0.1", Fixtures.NAME, sessionId, sessionId.replace("-", ""));
    for (Recorder.Seen message : seen) {
      assertFalse(message.topic().contains(sessionId) || message.topic().contains(sessionId.replace("-", "")),
          message.topic());
      String text = new String(message.payload(), StandardCharsets.ISO_8859_1);
      for (String secret : secrets) {
        assertFalse(text.contains(secret), "'" + secret + "' in a message on " + message.topic());
        assertFalse(new String(message.payload(), StandardCharsets.UTF_8).contains(secret), secret);
      }
      for (byte[] nonce : List.of(Fixtures.CLIENT_NONCE, Fixtures.HOST_NONCE)) {
        assertFalse(text.contains(new String(nonce, 0, 8, StandardCharsets.ISO_8859_1)), "a nonce in clear");
      }
      assertEquals(0, (message.payload().length - 54 - 16) % 256, "sizes only to 256 bytes: "
          + message.payload().length);
    }
  }

  @Test
  void shouldFailTheClientWithTheHostsReasonWhenRefused() throws Exception {
    Mosquitto broker = track(Mosquitto.start("refuse"));
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).build(), host.sessionId()));
    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = get(host.nextJoin());
    get(request.reject("not on the guest list\nreally"));
    Throwable refused = failure(join.firstReply());
    assertInstanceOf(JoinRejectedException.class, refused);
    assertEquals("not on the guest list really", refused.getMessage());
  }

  @Test
  void shouldTellTheHostWhenTheClientWithdraws() throws Exception {
    Mosquitto broker = track(Mosquitto.start("withdraw"));
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).build(), host.sessionId()));
    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = get(host.nextJoin());
    join.withdraw("changed my mind");
    assertEquals("changed my mind", get(request.withdrawn()));
    assertEquals("join withdrawn: changed my mind", failure(join.firstReply()).getMessage());
  }

  @Test
  void shouldAnswerAJoinWithoutCommitmentInOneStage() throws Exception {
    Mosquitto broker = track(Mosquitto.start("plain"));
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).build(), host.sessionId()));
    ClientJoin join = client.join(new JoinOffer("plain", new SessionDescription(SessionDescription.Type.OFFER,
        Fixtures.OFFER_SDP), null));
    JoinRequest request = get(host.nextJoin());
    assertFalse(request.offer().paired());
    get(request.accept(Fixtures.answer()));
    HostReply first = get(join.firstReply());
    assertEquals(Fixtures.ANSWER_SDP, assertInstanceOf(JoinAnswer.class, first).answer().sdp());
  }

  @Test
  void shouldSayThatNoHostAnswersAWrongSessionId() throws Exception {
    Mosquitto broker = track(Mosquitto.start("wrong-id"));
    track(MqttHostSignaling.open(Fixtures.config(broker).build()));
    String wrong = RendezvousId.random();
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).findTimeout(Duration.ofSeconds(2)).build(),
        wrong));
    Throwable error = failure(client.join(Fixtures.offer()).firstReply());
    assertInstanceOf(WebRtcException.class, error);
    assertEquals("no host answered Session ID " + wrong + " within 2 s through " + broker.uri() + ": check the "
        + "Session ID (a typo leads nowhere) and that the host is running with the same brokers", error.getMessage());
  }

  @Test
  void shouldNameEveryBrokerItCannotReach() throws Exception {
    Mosquitto up = track(Mosquitto.start("reach-up"));
    Mosquitto down = track(Mosquitto.start("reach-down"));
    Mosquitto down2 = track(Mosquitto.start("reach-down2"));
    down.stop();
    down2.stop();
    WebRtcException error = assertThrows(WebRtcException.class,
        () -> MqttHostSignaling.open(Fixtures.config(down, down2).build()));
    assertEquals("cannot reach any rendezvous broker: " + down.uri() + ": Connection refused; " + down2.uri()
        + ": Connection refused", error.getMessage());
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(down).build(), RendezvousId.random()));
    assertEquals("cannot reach any rendezvous broker: " + down.uri() + ": Connection refused",
        failure(client.join(Fixtures.offer()).firstReply()).getMessage());
    assertTrue(up.port() > 0);
  }

  @Test
  void shouldJoinThroughTheOtherBrokerWhenOneIsStoppedAndCountEachMessageOnce() throws Exception {
    Mosquitto a = track(Mosquitto.start("two-a"));
    Mosquitto b = track(Mosquitto.start("two-b"));
    Events hostEvents = new Events();
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(a, b).listener(hostEvents).build()));
    hostEvents.await(line -> line.startsWith("up "), 2);

    // Both up: every message arrives twice, is used once.
    MqttSignaling both = track(new MqttSignaling(Fixtures.config(a, b).build(), host.sessionId()));
    ClientJoin first = both.join(Fixtures.offer("both"));
    JoinRequest request = get(host.nextJoin());
    CompletableFuture<JoinReveal> revealed = request.challenge(Fixtures.challenge());
    get(first.firstReply());
    CompletableFuture<JoinAnswer> answered = first.reveal(Fixtures.reveal());
    get(revealed);
    get(request.accept(Fixtures.answer()));
    get(answered);
    CompletableFuture<JoinRequest> next = host.nextJoin();
    assertFalse(next.isDone(), "one join request for a join that came through two brokers");
    assertTrue(hostEvents.discarded().stream().anyMatch(line -> line.contains("received") && line.contains("already")),
        hostEvents.lines().toString());

    // One stopped: the host notices, the client tries both, the join goes through the other.
    a.stop();
    hostEvents.await(line -> line.startsWith("down " + a.uri()), 1);
    Events clientEvents = new Events();
    MqttSignaling one = track(new MqttSignaling(Fixtures.config(a, b).listener(clientEvents).build(),
        host.sessionId()));
    ClientJoin second = one.join(Fixtures.offer("one"));
    JoinRequest secondRequest = get(next);
    assertEquals("one", secondRequest.offer().clientName());
    get(secondRequest.accept(Fixtures.answer()));
    get(second.firstReply());
    assertTrue(clientEvents.lines().contains("up " + b.uri()), clientEvents.lines().toString());
  }

  @Test
  void shouldFinishAJoinWhoseBrokerRestartedInTheMiddle() throws Exception {
    Mosquitto broker = track(Mosquitto.start("restart"));
    Events hostEvents = new Events();
    Events clientEvents = new Events();
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).listener(hostEvents).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).listener(clientEvents).build(),
        host.sessionId()));
    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = get(host.nextJoin());
    CompletableFuture<JoinReveal> revealed = request.challenge(Fixtures.challenge());
    get(join.firstReply());

    broker.stop();
    hostEvents.await(line -> line.startsWith("down "), 1);
    clientEvents.await(line -> line.startsWith("down "), 1);
    CompletableFuture<JoinAnswer> answered = join.reveal(Fixtures.reveal()); // no broker: it is repeated later
    broker.start();
    get(revealed);
    get(request.accept(Fixtures.answer()));
    assertEquals(Fixtures.ANSWER_SDP, get(answered).answer().sdp());
    assertEquals(2, clientEvents.lines().stream().filter(line -> line.startsWith("up ")).count(),
        clientEvents.lines().toString());
  }

  @Test
  void shouldKeepTheSessionIdOfAClaimAcrossRestartsAndRefuseAnIdThatIsNone() throws Exception {
    Mosquitto broker = track(Mosquitto.start("claim"));
    byte[] claim = Fixtures.bytes(0x5A);
    String first;
    try (MqttHostSignaling host = MqttHostSignaling.open(Fixtures.config(broker).build(),
        RendezvousId.fromClaim(claim))) {
      first = host.sessionId();
    }
    try (MqttHostSignaling again = MqttHostSignaling.open(Fixtures.config(broker).build(),
        RendezvousId.fromClaim(claim))) {
      assertEquals(first, again.sessionId());
      assertEquals(RendezvousId.fromClaim(claim), again.sessionId());
    }
    assertThrows(IllegalArgumentException.class, () -> MqttHostSignaling.open(Fixtures.config(broker).build(),
        "not an id"));
  }

  @Test
  void shouldJoinAgainWithTheSameSignalingAfterItsLinksClosed() throws Exception {
    Mosquitto broker = track(Mosquitto.start("again"));
    Events clientEvents = new Events();
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).listener(clientEvents).build(),
        host.sessionId()));
    for (String name : List.of("first", "second")) {
      ClientJoin join = client.join(Fixtures.offer(name));
      JoinRequest request = get(host.nextJoin());
      assertEquals(name, request.offer().clientName());
      get(request.accept(Fixtures.answer()));
      get(join.firstReply());
    }
    // The links closed after the first answer and opened again for the second join.
    assertEquals(2, clientEvents.await(line -> line.startsWith("up "), 2).size(), clientEvents.lines().toString());
  }
}
