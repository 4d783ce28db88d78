package dev.p2ptunnel.rendezvous;

import static dev.p2ptunnel.rendezvous.BrokerFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.rendezvous.internal.Body;
import dev.p2ptunnel.rendezvous.internal.Direction;
import dev.p2ptunnel.rendezvous.internal.Envelope;
import dev.p2ptunnel.webrtc.JoinRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ICE restarts that a real client never sends, injected through a real broker with the wire format's parts: a
 * replayed restart, an older one, one under the wrong key, one of a join the host never approved, one of a join it
 * does not know, too many. Each is refused with its reason and never reaches the host's session; the approved
 * client's restarts are answered once each.
 */
@Timeout(120)
class RestartForgeryTest {
  @RegisterExtension
  final BrokerFixture brokers = new BrokerFixture();

  @Test
  void shouldAnswerOnlyTheApprovedClientsLatestRestartOnceAndRefuseEverythingElse() throws Exception {
    ScriptedClient.Stage stage = ScriptedClient.Stage.start(brokers, "restart-forgery");
    Recorder recorder = stage.recorder();
    Events hostEvents = stage.hostEvents();
    MqttHostSignaling host = stage.host();
    ScriptedClient client = stage.client();
    client.join("approved");
    JoinRequest request = get(host.nextJoin());
    List<String> offers = new CopyOnWriteArrayList<>();
    request.onRestart(offer -> {
      offers.add(offer.sdp());
      return CompletableFuture.completedFuture(MqttRestartTest.restartAnswer("a=ice-ufrag:" + offer.sdp().substring(4)
          + "\r\n"));
    });
    get(request.accept(Fixtures.answer()));
    client.replies(Body.Type.RESTARTS, 1);
    client.replies(Body.Type.ANSWER, 1);

    // The approved client's restart 2, its replay, then its older restart 1: answered once, the rest refused.
    byte[] restart2 = client.restart(2);
    Body answer = client.replies(Body.Type.RESTART_ANSWER, 1).get(0);
    assertEquals(2, answer.number(0));
    assertEquals("v=0\r\na=answer-to:restart 2\r\n", answer.text(1));
    recorder.inject(client.secrets.toHostTopic(), restart2);
    hostEvents.await(line -> line.startsWith(client.prefix() + "RESTART message ") && line.contains("already"), 1);
    client.restart(1);
    hostEvents.await(line -> line.equals(client.prefix() + "ICE restart 1 after restart 2 (stale: only the latest is "
        + "answered)"), 1);
    // A repeat of restart 2 (a new message, as the client repeats): the same answer again, not a second one.
    client.restart(2);
    assertEquals(2, client.replies(Body.Type.RESTART_ANSWER, 2).stream().filter(b -> b.number(0) == 2).count());
    // Under the session key (anyone with the Session ID could seal it): not a client's restart.
    client.send(client.secrets.sessionKey(Direction.CLIENT_TO_HOST), Envelope.KEY_SESSION, client.joinId,
        Body.encode(Body.Type.RESTART, Body.u64(3), "v=0 forged"));
    hostEvents.await(line -> line.equals(client.prefix() + "a RESTART under the session key on the host's topic "
        + "(expected: a client's message under its key)"), 1);

    // Another client with the Session ID: its own join (not approved) cannot restart, nor can it seal for the other.
    ScriptedClient other = stage.client();
    other.join("intruder");
    JoinRequest intruder = get(host.nextJoin());
    assertEquals("intruder", intruder.offer().clientName());
    other.restart(1);
    hostEvents.await(line -> line.equals(other.prefix() + "a RESTART of a join not approved"), 1);
    other.send(other.keys.of(Direction.CLIENT_TO_HOST), Envelope.KEY_JOIN, client.joinId,
        Body.encode(Body.Type.RESTART, Body.u64(9), "v=0 forged"));
    hostEvents.await(line -> line.equals(client.prefix() + "authentication failed (changed on the way, or sealed "
        + "under another key)"), 1);

    // A join the host does not know: refused, and its sender told under the session key, once.
    ScriptedClient stranger = stage.client();
    stranger.keys = other.keys;
    stranger.restart(1);
    hostEvents.await(line -> line.equals(stranger.prefix() + "a message for a join the host does not know "
        + "(forgotten, or never welcomed)"), 1);
    Body gone = stranger.replies(Body.Type.GONE, stranger.secrets.sessionKey(Direction.HOST_TO_CLIENT),
        stranger.joinId, 1).get(0);
    assertTrue(gone.text(0).startsWith("the host does not know this join"), gone.text(0));

    // Too many: the bucket holds 10 restarts; restarts 3.. beyond it are refused, not final, with the wait.
    for (long n = 3; n <= 30; n++) {
      client.restart(n);
    }
    Body refused = client.replies(Body.Type.RESTART_REFUSED, 1).get(0);
    assertEquals(0, refused.bytes(1)[0], "not final");
    assertTrue(refused.text(2).matches("too many ICE restarts of this join: at most 30 a minute; retry after \\d+ s"),
        refused.text(2));
    assertTrue(offers.size() < 29 && offers.get(0).equals("v=0 restart 2"), offers.toString());
    assertTrue(offers.stream().noneMatch(sdp -> sdp.contains("forged") || sdp.equals("v=0 restart 1")),
        "nothing forged, replayed or stale reached the session: " + offers);
  }
}
