package dev.p2ptunnel.rendezvous;

import static dev.p2ptunnel.rendezvous.BrokerFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.rendezvous.internal.Body;
import dev.p2ptunnel.rendezvous.internal.Direction;
import dev.p2ptunnel.rendezvous.internal.Envelope;
import dev.p2ptunnel.rendezvous.internal.SessionSecrets;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replayed, changed, forged and out-of-step messages injected through a real broker, as anyone subscribed to it could:
 * each is refused with its reason and changes nothing, and the real join goes on.
 */
@Timeout(120)
class ForgeryTest {
  @RegisterExtension
  final BrokerFixture brokers = new BrokerFixture();

  private <T extends AutoCloseable> T track(T resource) {
    return brokers.track(resource);
  }

  private static byte[] flip(byte[] message, int index) {
    byte[] changed = message.clone();
    changed[index] ^= 0x01;
    return changed;
  }

  @Test
  void shouldRefuseReplaysAndChangedCopiesOfARealJoinWhichThenFinishes() throws Exception {
    ScriptedClient.Stage stage = ScriptedClient.Stage.start(brokers, "forgery-replay");
    Mosquitto broker = stage.broker();
    Recorder recorder = stage.recorder();
    Events hostEvents = stage.hostEvents();
    Events clientEvents = new Events();
    MqttHostSignaling host = stage.host();
    MqttSignaling client = track(new MqttSignaling(Fixtures.config(broker).listener(clientEvents).build(),
        host.sessionId()));
    ClientJoin join = client.join(Fixtures.offer());
    JoinRequest request = get(host.nextJoin());
    CompletableFuture<JoinReveal> revealed = request.challenge(Fixtures.challenge());
    get(join.firstReply());
    List<Recorder.Seen> toHost = recorder.seen().stream().filter(m -> m.topic().endsWith("/h")).toList();
    List<Recorder.Seen> toClient = recorder.seen().stream().filter(m -> m.topic().endsWith("/c")).toList();
    assertTrue(toHost.size() >= 2 && toClient.size() >= 2, recorder.seen().size() + " messages");

    // Replays: the same bytes again. The host refuses each as seen already; no second join request appears.
    int before = hostEvents.discarded().size();
    for (Recorder.Seen message : toHost) {
      recorder.inject(message.topic(), message.payload());
    }
    hostEvents.await(line -> line.contains("received") && line.contains("already"), toHost.size());
    // Changed copies: one bit of the ciphertext, of the sending time, of the IV. Refused as not authentic.
    for (Recorder.Seen message : toHost) {
      for (int index : new int[] {Envelope.HEADER_LENGTH + 3, 40, 45, message.payload().length - 1}) {
        recorder.inject(message.topic(), flip(message.payload(), index));
      }
    }
    hostEvents.await(line -> line.contains("authentication failed"), toHost.size() * 4);
    // And towards the client: a changed copy of the host's challenge, and a replay of it.
    Recorder.Seen challenge = toClient.get(toClient.size() - 1);
    recorder.inject(challenge.topic(), flip(challenge.payload(), Envelope.HEADER_LENGTH + 1));
    recorder.inject(challenge.topic(), challenge.payload());
    clientEvents.await(line -> line.contains("authentication failed"), 1);
    clientEvents.await(line -> line.contains("already"), 1);
    assertTrue(hostEvents.discarded().size() >= before + toHost.size() * 5, hostEvents.discarded().toString());

    CompletableFuture<JoinAnswer> answered = join.reveal(Fixtures.reveal());
    get(revealed);
    get(request.accept(Fixtures.answer()));
    assertEquals(Fixtures.ANSWER_SDP, get(answered).answer().sdp());
    assertFalse(host.nextJoin().isDone(), "none of the copies became a join request");
  }

  @Test
  void shouldRefuseAHelloFromOutsideTheTimeWindowAndTellThatClientItsClockIsWrong() throws Exception {
    ScriptedClient.Stage stage = ScriptedClient.Stage.start(brokers, "forgery-clock");
    Events hostEvents = stage.hostEvents();
    MqttHostSignaling host = stage.host();
    ScriptedClient late = stage.client();
    late.hello(System.currentTimeMillis() - 11 * 60_000 - 30_000);
    hostEvents.await(line -> line.contains("HELLO sent 11 min") && line.contains(" ago by the sender's clock"), 1);
    Body refusal = late.reply(Body.Type.REFUSE, late.secrets.sessionKey(Direction.HOST_TO_CLIENT));
    assertTrue(refusal.text(0).matches("your clock is 11 min 3\\d s behind the host's; set the clock right \\(NTP\\) "
        + "and join again"), refusal.text(0));
    assertFalse(host.nextJoin().isDone());
  }

  @Test
  void shouldRefuseMessagesOutOfStepOutOfDirectionOrForUnknownJoins() throws Exception {
    ScriptedClient.Stage stage = ScriptedClient.Stage.start(brokers, "forgery-steps");
    Events hostEvents = stage.hostEvents();
    MqttHostSignaling host = stage.host();
    ScriptedClient script = stage.client();
    script.hello(System.currentTimeMillis());
    script.welcomed();
    long now = System.currentTimeMillis();
    SecretKey c2h = script.keys.of(Direction.CLIENT_TO_HOST);
    String prefix = script.prefix();

    script.send(c2h, Envelope.KEY_JOIN, script.joinId, now, Body.encode(Body.Type.REVEAL, Fixtures.CLIENT_NONCE, null,
        null));
    hostEvents.await(line -> line.equals(prefix + "a REVEAL before the challenge"), 1);
    script.send(c2h, Envelope.KEY_JOIN, script.joinId, now, Body.encode(Body.Type.CHALLENGE, Fixtures.HOST_FP,
        Fixtures.HOST_NONCE));
    hostEvents.await(line -> line.equals(prefix + "a CHALLENGE under the join key on the host's topic (expected: a "
        + "client's message under its key)"), 1);
    script.send(c2h, Envelope.KEY_JOIN, script.joinId, now, Body.encode(Body.Type.HELLO, script.mine.publicKey()));
    hostEvents.await(line -> line.equals(prefix + "a HELLO under the join key on the host's topic (expected: a "
        + "client's message under its key)"), 1);
    SecretKey reflected = script.keys.of(Direction.HOST_TO_CLIENT);
    script.send(reflected, Envelope.KEY_JOIN, script.joinId, now, Body.encode(Body.Type.OFFER, "x", "v=0", null));
    hostEvents.await(line -> line.equals(prefix + "authentication failed (changed on the way, or sealed under "
        + "another key)"), 1);
    byte[] unknown = new byte[16];
    script.send(c2h, Envelope.KEY_JOIN, unknown, now, Body.encode(Body.Type.OFFER, "x", "v=0", null));
    hostEvents.await(line -> line.equals("discarded join 00000000…: a message for a join the host does not know "
        + "(forgotten, or never welcomed)"), 1);
    SessionSecrets otherId = SessionSecrets.derive(RendezvousId.random().replace("-", ""));
    byte[] strangerId = new byte[16];
    Arrays.fill(strangerId, (byte) 0x5E);
    script.send(otherId.sessionKey(Direction.CLIENT_TO_HOST), Envelope.KEY_SESSION, strangerId, now,
        Body.encode(Body.Type.HELLO, script.mine.publicKey()));
    hostEvents.await(line -> line.equals("discarded join 5e5e5e5e…: authentication failed (changed on the way, or "
        + "sealed under another key)"), 1);
    CompletableFuture<JoinRequest> next = host.nextJoin();
    assertFalse(next.isDone(), "nothing above is a join request");

    // The same scripted client, in step, is served: the refusals above were for what was wrong, not for the client.
    script.send(c2h, Envelope.KEY_JOIN, script.joinId, now, Body.encode(Body.Type.OFFER, "scripted", "v=0 offer",
        null));
    assertEquals("scripted", get(next).offer().clientName());
  }
}
