package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE restarts of an accepted join through a real signaling server on 127.0.0.1, with stand-in SDP (no WebRTC): the
 * client's {@code restartIce} reaches the host's answerer and the answer comes back; a join that ended refuses.
 */
@Timeout(60)
class HttpRestartTest extends AcceptedJoinFixture {
  private static final SessionDescription ANSWER = HttpSignalingTest.ANSWER;

  private final List<String> offers = new CopyOnWriteArrayList<>();
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();

  private void accepted() throws Exception {
    accepted(StandInServer.recording(pauses));
    assertTrue(request.restartable());
    assertTrue(client.restartable());
  }

  private static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void shouldCarryEachRestartOfferToTheHostAndItsAnswerBack() throws Exception {
    accepted();
    request.onRestart(offer -> {
      offers.add(offer.sdp());
      return CompletableFuture.completedFuture(new SessionDescription(SessionDescription.Type.ANSWER,
          ANSWER.sdp() + "a=ice-ufrag:a" + offers.size() + "\r\n"));
    });
    SessionDescription first = client.restartIce(restartOffer(1)).get(20, TimeUnit.SECONDS);
    assertEquals(SessionDescription.Type.ANSWER, first.type());
    assertEquals(ANSWER.sdp() + "a=ice-ufrag:a1\r\n", first.sdp());
    SessionDescription second = client.restartIce(restartOffer(2)).get(20, TimeUnit.SECONDS);
    assertEquals(ANSWER.sdp() + "a=ice-ufrag:a2\r\n", second.sdp());
    assertEquals(List.of(restartOffer(1).sdp(), restartOffer(2).sdp()), offers, "each offer reached the host once");
  }

  @Test
  void shouldAnswerAfterTheHostTookItsTime() throws Exception {
    accepted();
    CompletableFuture<SessionDescription> gathered = new CompletableFuture<>();
    request.onRestart(offer -> {
      offers.add(offer.sdp());
      return gathered; // the host's ICE gathering, not yet complete
    });
    CompletableFuture<SessionDescription> answer = client.restartIce(restartOffer(1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (offers.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(1, offers.size(), "the offer reached the host");
    gathered.complete(ANSWER);
    assertEquals(ANSWER.sdp(), answer.get(20, TimeUnit.SECONDS).sdp());
  }

  @Test
  void shouldRefuseARestartBeforeTheJoinIsAnswered() throws Exception {
    accepted();
    ClientJoin pending = signaling.join(HttpSignalingTest.plain("bob"));
    Throwable e = failure(pending.restartIce(restartOffer(1)));
    assertInstanceOf(WebRtcException.class, e);
    assertEquals("ICE restart: the host has not answered this join (expected: after its answer)", e.getMessage());
  }

  @Test
  void shouldStillCarryRestartsOnceTheHostFreedTheClientsPlace() throws Exception {
    accepted();
    request.onRestart(offer -> CompletableFuture.completedFuture(ANSWER));
    request.left("the connection to the client is interrupted").get(10, TimeUnit.SECONDS);
    assertEquals(ANSWER.sdp(), client.restartIce(restartOffer(1)).get(20, TimeUnit.SECONDS).sdp(),
        "a client whose place was freed comes back on its connection");
  }

  @Test
  void shouldSayTheJoinTakesNoMoreRestartsOnceTheSessionIsGone() throws Exception {
    accepted();
    String id = host.sessionId();
    host.close();
    host = null;
    Throwable e = failure(client.restartIce(restartOffer(1)));
    assertInstanceOf(JoinRejectedException.class, e);
    assertEquals("the signaling server takes no more ICE restarts of this join: session " + id
        + " was closed by its host", e.getMessage());
  }

  @Test
  void shouldGiveUpARestartOnAnUnreachableServerWithinItsBudget() throws Exception {
    accepted();
    server.close();
    server = null;
    Throwable e = failure(client.restartIce(restartOffer(1)));
    assertInstanceOf(WebRtcException.class, e);
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    Duration paused = pauses.stream().reduce(Duration.ZERO, Duration::plus);
    assertTrue(paused.compareTo(HttpRestart.POST_BUDGET) < 0, "the retries' pauses stay within the post budget: "
        + pauses);
  }

  @Test
  void shouldFailAJoinToAServerThatDoesNotAnswerWithinTheRequestTimeout() throws Exception {
    // A server that takes the connection and never answers (a host behind a dead proxy): a rejoin must fail within a
    // bound, not hang, so that the client's rejoin backoff tries again. The bound is the subject, not its default
    // (10 s, ServerCalls.REQUEST_TIMEOUT): a 1 s one here.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      Thread taker = new Thread(() -> {
        List<java.net.Socket> held = new java.util.ArrayList<>();
        while (!silent.isClosed()) {
          try {
            held.add(silent.accept());
          } catch (IOException e) {
            return;
          }
        }
      });
      taker.setDaemon(true);
      taker.start();
      try (HttpSignaling quiet = HttpSignaling.builder(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"),
          "0000-0000-0000-0000-0000-0000-0000").requestTimeout(Duration.ofSeconds(1)).build()) {
        Throwable e = failure(quiet.join(HttpSignalingTest.plain("alice")).firstReply());
        assertInstanceOf(WebRtcException.class, e);
        assertTrue(e.getMessage().startsWith("join request to session 0000-0000-0000-0000-0000-0000-0000: signaling "
            + "server http://127.0.0.1:" + silent.getLocalPort() + "/ unreachable: "), e.getMessage());
      }
    }
  }
}
