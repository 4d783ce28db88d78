package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemorySignaling} carries ICE restarts until the host ends the join ({@link JoinRequest#ended}): then a
 * restart fails with {@link JoinRejectedException}, which makes a tunnel's client rejoin at once.
 */
class InMemoryRestartRefusalTest {
  private static final SessionDescription OFFER = new SessionDescription(SessionDescription.Type.OFFER,
      "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n");
  private static final SessionDescription ANSWER = new SessionDescription(SessionDescription.Type.ANSWER,
      "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n");

  @Test
  void shouldRefuseTheRestartsOfAJoinTheHostEnded() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    ClientJoin client = signaling.join(new JoinOffer("alice", OFFER, null));
    JoinRequest request = signaling.nextJoin().get(10, TimeUnit.SECONDS);
    request.accept(new JoinAnswer(ANSWER, null)).get(10, TimeUnit.SECONDS);
    request.onRestart(offer -> CompletableFuture.completedFuture(ANSWER));
    assertEquals(ANSWER, client.restartIce(OFFER).get(10, TimeUnit.SECONDS), "carried while the host keeps it");

    request.ended("the host no longer keeps this client: it did not come back within 2 min").get(10,
        TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.restartIce(OFFER).get(10, TimeUnit.SECONDS));
    assertInstanceOf(JoinRejectedException.class, e.getCause());
    assertEquals("ICE restart: the host ended this join: the host no longer keeps this client: it did not come back"
        + " within 2 min", e.getCause().getMessage());
  }
}
