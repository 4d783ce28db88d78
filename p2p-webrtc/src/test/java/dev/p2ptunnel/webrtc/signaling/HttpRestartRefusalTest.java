package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host that no longer keeps a client ends its join ({@link JoinRequest#ended}): the client's ICE restart that waits
 * for an answer, and the next one, fail at once with {@link JoinRejectedException} (the client rejoins) instead of
 * running out their 15 s. A real signaling server on 127.0.0.1, stand-in SDP (no WebRTC).
 */
@Timeout(60)
class HttpRestartRefusalTest extends AcceptedJoinFixture {
  private final List<String> offers = new CopyOnWriteArrayList<>();

  private void accepted() throws Exception {
    accepted(ServerCalls.Delayer.SCHEDULER);
  }

  @Test
  void shouldFailAWaitingRestartAtOnceWhenTheHostEndsTheLeftJoin() throws Exception {
    accepted();
    request.onRestart(offer -> {
      offers.add(offer.sdp());
      return new CompletableFuture<>(); // the host's session is gone: no answer will come
    });
    request.left("the connection to the client is interrupted").get(10, TimeUnit.SECONDS);
    CompletableFuture<SessionDescription> waiting = client.restartIce(restartOffer(1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (offers.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(1, offers.size(), "the offer reached the host");

    request.ended("the host no longer keeps this client: it did not come back within 2 min").get(10,
        TimeUnit.SECONDS);
    // Without the end, the restart runs out its budget and fails with a WebRtcException (a retry, not a rejoin).
    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(40, TimeUnit.SECONDS));
    assertInstanceOf(JoinRejectedException.class, e.getCause(), e.toString());
    assertEquals("the join request is rejected on the signaling server: it takes no more ICE restarts (the host no"
        + " longer keeps this client: it did not come back within 2 min)", e.getCause().getMessage());

    ExecutionException next = assertThrows(ExecutionException.class,
        () -> client.restartIce(restartOffer(2)).get(10, TimeUnit.SECONDS));
    assertInstanceOf(JoinRejectedException.class, next.getCause(), next.toString());
  }

  @Test
  void shouldCountEndingAJoinTheServerNoLongerHasAsDone() throws Exception {
    accepted();
    request.ended("first").get(10, TimeUnit.SECONDS);
    request.ended("again: nothing left to end").get(10, TimeUnit.SECONDS);
  }
}
