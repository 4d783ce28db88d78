package dev.p2ptunnel.rendezvous;

import static dev.p2ptunnel.rendezvous.BrokerFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ICE restarts of an approved join through real mosquitto brokers, through the library's interfaces (no WebRTC: the
 * descriptions are recognisable text): offered and answered on the same join, again and again, with the brokers
 * connected again on demand; a host that no longer knows the join sends the client to a rejoin at once; a broker that
 * restarts in the middle of a restart costs a repeat, not the restart.
 */
@Timeout(180)
class MqttRestartTest {
  @RegisterExtension
  final BrokerFixture brokers = new BrokerFixture();

  private <T extends AutoCloseable> T track(T resource) {
    return brokers.track(resource);
  }

  static SessionDescription restartOffer(int n) {
    return new SessionDescription(SessionDescription.Type.OFFER, "v=0\r\na=ice-ufrag:restart" + n + "\r\n"
        + "a=candidate:1 1 udp 2122260223 192.168.20.9 5000" + n + " typ host\r\n");
  }

  static SessionDescription restartAnswer(String offerSdp) {
    return new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\na=answer-to:" + offerSdp.substring(
        offerSdp.indexOf("ufrag:") + 6, offerSdp.indexOf("\r\n", offerSdp.indexOf("ufrag:"))) + "\r\n");
  }

  /** A host and a client through {@code broker} with one approved join; the client's listener is {@code events}. */
  record Joined(MqttHostSignaling host, MqttSignaling client, ClientJoin join, JoinRequest request) {}

  Joined joined(Mosquitto broker, Events clientEvents, Events hostEvents) throws Exception {
    MqttHostSignaling host = track(MqttHostSignaling.open(Fixtures.config(broker).listener(hostEvents).build()));
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).listener(clientEvents).build(),
        host.sessionId()));
    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = get(host.nextJoin());
    request.challenge(Fixtures.challenge());
    get(join.firstReply());
    CompletableFuture<?> answered = join.reveal(Fixtures.reveal());
    get(request.accept(Fixtures.answer()));
    get(answered);
    return new Joined(host, client, join, request);
  }

  @Test
  void shouldAnswerEveryIceRestartOfAnApprovedJoinOnTheSameJoinWithTheBrokersConnectedAgainOnDemand()
      throws Exception {
    Mosquitto broker = track(Mosquitto.start("restart-ok"));
    Recorder recorder = track(Recorder.on(broker.uri()));
    Events clientEvents = new Events();
    Joined joined = joined(broker, clientEvents, new Events());
    assertTrue(joined.request().restartable(), "the host's side carries restarts");
    assertTrue(joined.join().restartable(), "the host said so before its answer");
    List<String> offers = new CopyOnWriteArrayList<>();
    joined.request().onRestart(offer -> {
      offers.add(offer.sdp());
      return CompletableFuture.completedFuture(restartAnswer(offer.sdp()));
    });
    // The client's links close after the answer (a tunnel that carries keeps no broker connection)...
    broker.awaitLog(" disconnected", 1);
    for (int n = 1; n <= 3; n++) {
      SessionDescription answer = get(joined.join().restartIce(restartOffer(n)));
      assertEquals(SessionDescription.Type.ANSWER, answer.type());
      assertEquals("v=0\r\na=answer-to:restart" + n + "\r\n", answer.sdp());
    }
    assertEquals(List.of(restartOffer(1).sdp(), restartOffer(2).sdp(), restartOffer(3).sdp()), offers,
        "each restart answered once, in order");
    assertTrue(joined.join().restartable(), "still restartable");
    // ... and a restart connects them again: host, recorder, client for the join, client for the restarts.
    broker.awaitLog("New client connected", 4);
    assertEquals(2, clientEvents.await(line -> line.startsWith("up "), 2).size(), clientEvents.lines().toString());
    assertFalse(joined.host().nextJoin().isDone(), "no restart became a join request");
    MqttSignalingTest.assertSeesNothing(recorder.seen(), joined.host().sessionId());
  }

  @Test
  void shouldNotTakeAReplayedAnswerOfAnEarlierRestartForTheLatestOne() throws Exception {
    Mosquitto broker = track(Mosquitto.start("restart-replay"));
    Recorder recorder = track(Recorder.on(broker.uri()));
    Events clientEvents = new Events();
    Joined joined = joined(broker, clientEvents, new Events());
    LinkedBlockingQueue<CompletableFuture<SessionDescription>> pending = new LinkedBlockingQueue<>();
    joined.request().onRestart(offer -> {
      if (offer.sdp().equals(restartOffer(1).sdp())) {
        return CompletableFuture.completedFuture(restartAnswer(offer.sdp()));
      }
      CompletableFuture<SessionDescription> answer = new CompletableFuture<>();
      pending.add(answer);
      return answer;
    });
    long before = recorder.seen().stream().filter(m -> m.topic().endsWith("/c")).count();
    assertEquals("v=0\r\na=answer-to:restart1\r\n", get(joined.join().restartIce(restartOffer(1))).sdp());
    List<Recorder.Seen> toClient = recorder.await(m -> m.topic().endsWith("/c"), (int) before + 1);
    CompletableFuture<SessionDescription> second = joined.join().restartIce(restartOffer(2));
    CompletableFuture<SessionDescription> answer = pending.poll(30, TimeUnit.SECONDS);
    // Everything the host sent so far, the answer to restart 1 included, replayed while restart 2 waits.
    for (Recorder.Seen message : toClient) {
      recorder.inject(message.topic(), message.payload());
    }
    clientEvents.await(line -> line.contains("RESTART_ANSWER message ") && line.contains("already"), 1);
    assertFalse(second.isDone(), "a replayed answer is not the answer to restart 2");
    answer.complete(restartAnswer(restartOffer(2).sdp()));
    assertEquals("v=0\r\na=answer-to:restart2\r\n", get(second).sdp());
  }

  @Test
  void shouldSendTheClientToARejoinAtOnceWhenTheHostNoLongerKnowsTheJoin() throws Exception {
    Mosquitto broker = track(Mosquitto.start("restart-gone"));
    Joined joined = joined(broker, new Events(), new Events());
    String sessionId = joined.host().sessionId();
    joined.host().close(); // restarted: same Session ID, nothing remembered
    MqttHostSignaling again = track(MqttHostSignaling.open(Fixtures.config(broker).build(), sessionId));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> joined.join().restartIce(restartOffer(1)).get(60, TimeUnit.SECONDS));
    JoinRejectedException refused = assertInstanceOf(JoinRejectedException.class, e.getCause());
    assertEquals("the host does not know this join: it forgot it (the client was away longer than it keeps a join) "
        + "or it was restarted", refused.getMessage());
    assertFalse(joined.join().restartable(), "the join takes no more restarts: the client rejoins");
    assertFalse(again.nextJoin().isDone());
  }

  @Test
  void shouldStillAnswerRestartsOfAJoinAfterTheHostsLeaveNotice() throws Exception {
    Mosquitto broker = track(Mosquitto.start("restart-left"));
    Joined joined = joined(broker, new Events(), new Events());
    joined.request().onRestart(offer -> CompletableFuture.completedFuture(restartAnswer(offer.sdp())));
    get(joined.request().left("the connection to the client is interrupted"));
    // Left (the place is free) but kept: the client may come back on the same connection.
    assertEquals("v=0\r\na=answer-to:restart1\r\n", get(joined.join().restartIce(restartOffer(1))).sdp());
  }

  @Test
  void shouldCarryARestartThroughABrokerThatRestartsWhileTheHostAnswers() throws Exception {
    Mosquitto broker = track(Mosquitto.start("restart-drop"));
    Events clientEvents = new Events();
    Events hostEvents = new Events();
    Joined joined = joined(broker, clientEvents, hostEvents);
    LinkedBlockingQueue<CompletableFuture<SessionDescription>> pending = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> offered = new LinkedBlockingQueue<>();
    Function<SessionDescription, CompletableFuture<SessionDescription>> answerer = offer -> {
      CompletableFuture<SessionDescription> answer = new CompletableFuture<>();
      offered.add(offer.sdp());
      pending.add(answer);
      return answer;
    };
    joined.request().onRestart(answerer);
    CompletableFuture<SessionDescription> first = joined.join().restartIce(restartOffer(1));
    assertEquals(restartOffer(1).sdp(), offered.poll(30, TimeUnit.SECONDS), "the offer reached the host");
    broker.stop();
    hostEvents.await(line -> line.startsWith("down "), 1);
    clientEvents.await(line -> line.startsWith("down "), 1);
    // Answered while no broker carries: the answer is lost; the client's repeats fetch it once a broker is back.
    pending.take().complete(restartAnswer(restartOffer(1).sdp()));
    broker.start();
    SessionDescription answer = null;
    CompletableFuture<SessionDescription> attempt = first;
    for (int n = 2; answer == null; n++) {
      try {
        answer = attempt.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // On a slow machine the reconnect may outlast one restart: the next one goes, as the reconnector does.
        assertInstanceOf(WebRtcException.class, e.getCause());
        assertFalse(e.getCause() instanceof JoinRejectedException, e.getCause().toString());
        assertTrue(n <= 6, "answered within five restarts: " + e.getCause());
        attempt = joined.join().restartIce(restartOffer(n));
        String sdp = offered.poll(60, TimeUnit.SECONDS);
        pending.take().complete(restartAnswer(sdp));
      }
    }
    assertTrue(answer.sdp().startsWith("v=0\r\na=answer-to:restart"), answer.sdp());
    assertTrue(joined.join().restartable());
  }
}
