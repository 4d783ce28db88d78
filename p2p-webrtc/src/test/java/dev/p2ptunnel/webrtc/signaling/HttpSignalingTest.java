package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.JoinRejectedException;
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
      new SessionDescription(SessionDescription.Type.OFFER, SignalingServerTest.OFFER);
  static final SessionDescription ANSWER =
      new SessionDescription(SessionDescription.Type.ANSWER, SignalingServerTest.ANSWER);

  private SignalingServer server;

  private URI start(SignalingServer.Config config) throws IOException {
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

  @Test
  void shouldDeliverTheOfferToTheHostAndItsAnswerToTheClient() throws Exception {
    URI uri = start(SignalingServer.Config.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      assertTrue(host.sessionId().matches(SignalingServerTest.ID_SHAPE), host.sessionId());
      CompletableFuture<JoinRequest> next = host.nextJoin();
      String typed = host.sessionId().toLowerCase().replace("-", " ");
      CompletableFuture<SessionDescription> answer = new HttpSignaling(uri, typed, "alice").exchange(OFFER);
      JoinRequest request = next.get(10, TimeUnit.SECONDS);
      assertEquals("alice", request.clientName());
      assertEquals(OFFER, request.offer());
      assertFalse(answer.isDone(), "no answer before the host decides");
      request.accept(ANSWER).get(10, TimeUnit.SECONDS);
      assertEquals(ANSWER, answer.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void shouldFailTheExchangeWithTheHostsReasonWhenRejected() throws Exception {
    URI uri = start(SignalingServer.Config.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      CompletableFuture<SessionDescription> answer = new HttpSignaling(uri, host.sessionId(), "mallory")
          .exchange(OFFER);
      host.nextJoin().get(10, TimeUnit.SECONDS).reject("I don't know you").get(10, TimeUnit.SECONDS);
      Throwable e = failure(answer);
      assertInstanceOf(JoinRejectedException.class, e);
      assertEquals("I don't know you", e.getMessage());
    }
  }

  @Test
  void shouldRefuseASecondClientOfAOneClientSession() throws Exception {
    URI uri = start(SignalingServer.Config.defaults());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      new HttpSignaling(uri, host.sessionId(), "alice").exchange(OFFER);
      host.nextJoin().get(10, TimeUnit.SECONDS);
      Throwable e = failure(new HttpSignaling(uri, host.sessionId(), "bob").exchange(OFFER));
      assertInstanceOf(JoinRejectedException.class, e);
      assertEquals("session " + host.sessionId() + " already has a client; ask the host for a new session",
          e.getMessage());
    }
  }

  @Test
  void shouldReportAnUnknownSessionClearly() throws Exception {
    URI uri = start(SignalingServer.Config.defaults());
    String unknown = "0000-0000-0000-0000-0000-0000-0000";
    Throwable e = failure(new HttpSignaling(uri, unknown, "alice").exchange(OFFER));
    assertInstanceOf(WebRtcException.class, e);
    assertEquals("join request to session " + unknown + ": no session " + unknown + " on this server (check the "
        + "Session ID) (HTTP 404 session_not_found)", e.getMessage());
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> new HttpSignaling(uri, "7KQ2-M9XA", "alice"));
    assertEquals("sessionId: \"7KQ2-M9XA\" (expected: 28 characters of 0-9 and A-Z without I, L, O, U; dashes "
        + "optional)", typo.getMessage());
  }

  @Test
  void shouldReportAnExpiredSessionClearly() throws Exception {
    URI uri = start(SignalingServer.Config.builder().sessionTtl(Duration.ofMillis(200)).build());
    HttpHostSignaling host = HttpHostSignaling.create(uri);
    Thread.sleep(400);
    Throwable e = failure(new HttpSignaling(uri, host.sessionId(), "alice").exchange(OFFER));
    assertEquals("join request to session " + host.sessionId() + ": session " + host.sessionId()
        + " expired: its host was silent for more than 200 ms (HTTP 410 session_expired)", e.getMessage());
    host.close();
  }

  @Test
  void shouldKeepPollingAcrossIdleWaits() throws Exception {
    URI uri = start(SignalingServer.Config.builder().maxPollWait(Duration.ofSeconds(1)).build());
    try (HttpHostSignaling host = HttpHostSignaling.create(uri)) {
      CompletableFuture<JoinRequest> next = host.nextJoin();
      Thread.sleep(2_500);
      assertFalse(next.isDone(), "idle polls end in 1 s and are renewed, not reported");
      new HttpSignaling(uri, host.sessionId(), "late").exchange(OFFER);
      assertEquals("late", next.get(10, TimeUnit.SECONDS).clientName());
    }
  }

  @Test
  void shouldDeleteTheSessionAndFailWaitersOnClose() throws Exception {
    URI uri = start(SignalingServer.Config.defaults());
    HttpHostSignaling host = HttpHostSignaling.create(uri);
    CompletableFuture<JoinRequest> next = host.nextJoin();
    host.close();
    host.close();
    assertEquals("signaling closed", failure(next).getMessage());
    assertEquals("signaling closed", failure(host.nextJoin()).getMessage());
    Throwable e = failure(new HttpSignaling(uri, host.sessionId(), "alice").exchange(OFFER));
    assertEquals("join request to session " + host.sessionId() + ": session " + host.sessionId()
        + " was closed by its host (HTTP 410 session_closed)", e.getMessage());
    assertEquals(0, server.load()[0], "no session left");
  }

  @Test
  void shouldReportAnUnreachableServer() throws Exception {
    URI uri = start(SignalingServer.Config.defaults());
    server.close();
    WebRtcException e = assertThrows(WebRtcException.class, () -> HttpHostSignaling.create(uri));
    assertTrue(e.getMessage().startsWith("creating a session: signaling server " + uri + " unreachable: "),
        e.getMessage());
  }
}
