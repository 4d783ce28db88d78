package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HttpHostSignaling and HttpSignaling against a real server on 127.0.0.1, with stand-in SDP (no WebRTC). */
@Timeout(30)
class HttpSignalingTest {
  static final SessionDescription OFFER =
      new SessionDescription(SessionDescription.Type.OFFER, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n");
  static final SessionDescription ANSWER =
      new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n");

  private SignalingServer server;

  private URI start(SignalingConfig config) throws IOException {
    server = SignalingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config);
    return server.uri();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  static JoinOffer plain(String name) {
    return new JoinOffer(name, OFFER, null);
  }

  static JoinOffer paired(String name) {
    return new JoinOffer(name, OFFER, ShortAuthString.commitment(NONCE));
  }

  static final byte[] NONCE = new byte[32];
  static final String FP = "sha-256 " + "AB:".repeat(31) + "AB";

  @Test
  void theNextSignalingOfTheSameSchemeTakesTheClientOfAWarmUp() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    HttpSignaling.warmUp(uri);
    assertEquals(Boolean.FALSE, OwnClients.spareTls(), "a spare client for http:// servers is ready");
    try (HttpSignaling other = new HttpSignaling(URI.create("https://signal.invalid/"),
        "0000-0000-0000-0000-0000-0000-0000")) {
      other.prepare(); // builds its own TLS client; no network
      assertEquals(Boolean.FALSE, OwnClients.spareTls(), "an https:// signaling does not take it");
    }
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      assertEquals(null, OwnClients.spareTls(), "taken by the first http:// signaling");
      HttpSignaling.warmUp(uri); // the next one for the next signaling
      try (HttpSignaling client = new HttpSignaling(uri, host.sessionId())) {
        ClientJoin join = client.join(plain("warm"));
        JoinRequest request = host.nextJoin().get(10, TimeUnit.SECONDS);
        assertEquals("warm", request.offer().clientName());
        assertEquals(null, OwnClients.spareTls(), "taken by the client's first call, which reached the host");
        join.withdraw("done");
      }
    }
  }

  @Test
  void shouldCarryTheTwoStageJoinBetweenHostAndClient() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      assertTrue(host.sessionId().matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}"), host.sessionId());
      CompletableFuture<JoinRequest> next = host.nextJoin();
      String typed = host.sessionId().toLowerCase().replace("-", " ");
      HttpSignaling signaling = new HttpSignaling(uri, typed);
      assertEquals(uri + "#" + host.sessionId(), signaling.hostKey());
      ClientJoin client = signaling.join(paired("alice"));
      JoinRequest request = next.get(10, TimeUnit.SECONDS);
      assertEquals("alice", request.offer().clientName());
      assertEquals(OFFER.sdp(), request.offer().offer().sdp());
      assertArrayEquals(ShortAuthString.commitment(NONCE), request.offer().commitment());
      assertEquals("127.0.0.1", request.clientAddress());
      assertTrue(request.twoStage());

      byte[] hostNonce = new byte[32];
      hostNonce[0] = 7;
      CompletableFuture<JoinReveal> reveal = request.challenge(new JoinChallenge(FP, hostNonce));
      JoinChallenge challenge = (JoinChallenge) client.firstReply().get(10, TimeUnit.SECONDS);
      assertEquals(FP, challenge.hostFingerprint());
      assertArrayEquals(hostNonce, challenge.hostNonce());
      CompletableFuture<JoinAnswer> answer = client.reveal(new JoinReveal(NONCE, new byte[] {1}, new byte[] {2}));
      JoinReveal revealed = reveal.get(10, TimeUnit.SECONDS);
      assertArrayEquals(NONCE, revealed.clientNonce());
      assertArrayEquals(new byte[] {1}, revealed.certificate());
      assertFalse(answer.isDone(), "no answer before the host approves");
      request.accept(JoinAnswer.of(ANSWER)).get(10, TimeUnit.SECONDS);
      assertEquals(ANSWER.sdp(), answer.get(10, TimeUnit.SECONDS).answer().sdp());
    }
  }

  @Test
  void shouldAnswerAPlainJoinAtOnceAndFreeTheSlotWhenTheClientLeft() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      CompletableFuture<JoinRequest> next = host.nextJoin();
      ClientJoin client = new HttpSignaling(uri, host.sessionId()).join(plain("alice"));
      JoinRequest request = next.get(10, TimeUnit.SECONDS);
      assertFalse(request.offer().paired());
      request.accept(new JoinAnswer(ANSWER, null)).get(10, TimeUnit.SECONDS);
      JoinAnswer answer = (JoinAnswer) client.firstReply().get(10, TimeUnit.SECONDS);
      assertEquals(ANSWER.sdp(), answer.answer().sdp());

      Throwable busy = failure(new HttpSignaling(uri, host.sessionId()).join(plain("bob")).firstReply());
      assertInstanceOf(JoinRejectedException.class, busy);
      assertEquals("the host is busy with another client", busy.getMessage());
      request.left("peer did not answer keepalive within 15000 ms").get(10, TimeUnit.SECONDS);
      CompletableFuture<JoinRequest> again = host.nextJoin();
      new HttpSignaling(uri, host.sessionId()).join(plain("carol"));
      assertEquals("carol", again.get(10, TimeUnit.SECONDS).offer().clientName(), "the slot was free at once");
    }
  }

  @Test
  void shouldFailTheJoinWithTheHostsReasonWhenRejected() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      CompletableFuture<JoinRequest> next = host.nextJoin();
      ClientJoin client = new HttpSignaling(uri, host.sessionId()).join(plain("mallory"));
      next.get(10, TimeUnit.SECONDS).reject("not on the guest list").get(10, TimeUnit.SECONDS);
      Throwable e = failure(client.firstReply());
      assertInstanceOf(JoinRejectedException.class, e);
      assertEquals("not on the guest list", e.getMessage());
    }
  }

  @Test
  void shouldTellTheHostWhenTheClientWithdraws() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      CompletableFuture<JoinRequest> next = host.nextJoin();
      ClientJoin client = new HttpSignaling(uri, host.sessionId()).join(paired("alice"));
      JoinRequest request = next.get(10, TimeUnit.SECONDS);
      client.withdraw("the client stopped");
      assertEquals("the client stopped", request.withdrawn().get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void shouldReportAnUnknownSessionClearly() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    String unknown = "0000-0000-0000-0000-0000-0000-0000";
    Throwable e = failure(new HttpSignaling(uri, unknown).join(plain("alice")).firstReply());
    assertInstanceOf(WebRtcException.class, e);
    assertEquals("join request to session " + unknown + ": no session " + unknown + " on this server (check the "
        + "Session ID) (HTTP 404 session_not_found)", e.getMessage());
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> new HttpSignaling(uri, "7KQ2-M9XA"));
    assertEquals("sessionId: \"7KQ2-M9XA\" (expected: 28 characters of 0-9 and A-Z without I, L, O, U; dashes "
        + "optional)", typo.getMessage());
  }

  /** A session created by hand, whose host never polls; its Session ID. */
  private static String rawSession(URI uri) throws Exception {
    java.net.http.HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(uri.resolve("/v1/sessions"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    return dev.p2ptunnel.signaling.api.JsonBodies.tryParse(created.body().getBytes(
        java.nio.charset.StandardCharsets.UTF_8)).get("sessionId").asText();
  }

  @Test
  void shouldReportAnExpiredSessionClearly() throws Exception {
    URI uri = start(SignalingConfig.builder().sessionTtl(Duration.ofMillis(200)).build());
    String id = rawSession(uri); // a host that never polls
    Thread.sleep(400);
    Throwable e = failure(new HttpSignaling(uri, id).join(plain("alice")).firstReply());
    assertEquals("join request to session " + id + ": session " + id
        + " expired: its host was silent for more than 200 ms (HTTP 410 session_expired)", e.getMessage());
  }

  @Test
  void shouldKeepPollingAcrossIdleWaits() throws Exception {
    URI uri = start(SignalingConfig.builder().maxPollWait(Duration.ofSeconds(1)).build());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      CompletableFuture<JoinRequest> next = host.nextJoin();
      Thread.sleep(2_500);
      assertFalse(next.isDone(), "idle polls end in 1 s and are renewed, not reported");
      new HttpSignaling(uri, host.sessionId()).join(plain("late"));
      assertEquals("late", next.get(10, TimeUnit.SECONDS).offer().clientName());
    }
  }

  @Test
  void shouldDeleteTheSessionAndFailWaitersOnClose() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    HttpHostSignaling host = HttpHostSignaling.create(uri);
    CompletableFuture<JoinRequest> next = host.nextJoin();
    host.close();
    host.close();
    assertEquals("signaling closed", failure(next).getMessage());
    assertEquals("signaling closed", failure(host.nextJoin()).getMessage());
    Throwable e = failure(new HttpSignaling(uri, host.sessionId()).join(plain("alice")).firstReply());
    assertEquals("join request to session " + host.sessionId() + ": session " + host.sessionId()
        + " was closed by its host (HTTP 410 session_closed)", e.getMessage());
  }

  @Test
  void shouldReportAnUnreachableServer() throws Exception {
    URI uri = start(SignalingConfig.defaults());
    server.close();
    WebRtcException e = assertThrows(WebRtcException.class, () -> HttpHostSignaling.create(uri));
    assertTrue(e.getMessage().startsWith("creating a session: signaling server " + uri + " unreachable: "),
        e.getMessage());
  }
}
