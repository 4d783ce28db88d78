package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Setup errors; these need the native library but no network (no namespace). */
class SessionSetupTest {

  @Test
  void preloadIsIdempotentFromAnyThreadAndSessionsWorkAfterIt() throws Exception {
    CompletableFuture<Void> other = CompletableFuture.runAsync(
        WebRtcSession::preload, runnable -> new Thread(runnable, "preload-test").start());
    WebRtcSession.preload();
    WebRtcSession.preload();
    other.get(10, TimeUnit.SECONDS); // rethrows what failed on the other thread
    try (WebRtcSession offerer = WebRtcSession.offer(TestNetns.config())) {
      assertTrue(offerer.localDescription().sdp().contains("a=candidate"), "gathered after a preload");
    }
  }

  @Test
  void shouldRejectGarbageOfferWithLibwebrtcParseError() {
    InvalidDescriptionException e = assertThrows(InvalidDescriptionException.class, () -> WebRtcSession.answer(
        TestNetns.config(), new SessionDescription(SessionDescription.Type.OFFER, "garbage")));
    assertEquals("remote offer is malformed: Create session description failed: Expect line: v= [garbage]",
        e.getMessage());
  }

  @Test
  void shouldRejectAnAnswerWhereAnOfferIsExpected() {
    InvalidDescriptionException e = assertThrows(InvalidDescriptionException.class, () -> WebRtcSession.answer(
        TestNetns.config(), new SessionDescription(SessionDescription.Type.ANSWER, "v=0")));
    assertEquals("remote description: ANSWER (expected: OFFER, the answerer needs the peer's offer)",
        e.getMessage());
  }

  @Test
  void shouldCloseOffererWhenAnswerIsGarbage() throws Exception {
    WebRtcSession offerer = WebRtcSession.offer(TestNetns.config());
    InvalidDescriptionException e = assertThrows(InvalidDescriptionException.class,
        () -> offerer.acceptAnswer(new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\nbogus")));
    assertTrue(e.getMessage().startsWith("remote answer is malformed: "), e.getMessage());
    assertEquals(e.getMessage(), offerer.closed().get());
    assertEquals(SessionState.CLOSED, offerer.state());
    WebRtcException closed = assertThrows(WebRtcException.class, () -> offerer.dataChannel(Duration.ofSeconds(1)));
    assertTrue(closed.getMessage().endsWith(": closed: " + e.getMessage()), closed.getMessage());
  }
}
