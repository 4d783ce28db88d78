package dev.p2ptunnel.rendezvous;

import dev.p2ptunnel.rendezvous.internal.Body;
import dev.p2ptunnel.rendezvous.internal.Direction;
import dev.p2ptunnel.rendezvous.internal.Envelope;
import dev.p2ptunnel.rendezvous.internal.SessionSecrets;
import dev.p2ptunnel.rendezvous.internal.X25519;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * A client made of the wire format's parts, to send through a real broker what a real client never would
 * ({@link ForgeryTest}, {@link RestartForgeryTest}): messages sealed under any key, for any join, with any sending
 * time. One test's thread; not thread-safe.
 */
final class ScriptedClient {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What both forgery tests stand on: a broker, a recorder that sees and injects, and a host with its events. */
  record Stage(Mosquitto broker, Recorder recorder, Events hostEvents, MqttHostSignaling host) {
    static Stage start(BrokerFixture brokers, String name) throws Exception {
      Mosquitto broker = brokers.track(Mosquitto.start(name));
      Recorder recorder = brokers.track(Recorder.on(broker.uri()));
      Events hostEvents = new Events();
      MqttHostSignaling host = brokers.track(MqttHostSignaling.open(Fixtures.config(broker).listener(hostEvents)
          .build()));
      return new Stage(broker, recorder, hostEvents, host);
    }

    ScriptedClient client() {
      return new ScriptedClient(host.sessionId(), recorder);
    }
  }

  final SessionSecrets secrets;
  final Recorder recorder;
  final byte[] joinId = new byte[16];
  final X25519.KeyPair mine = X25519.generate();
  SessionSecrets.JoinKeys keys;

  ScriptedClient(String sessionId, Recorder recorder) {
    this.secrets = SessionSecrets.derive(sessionId.replace("-", ""));
    this.recorder = recorder;
    RANDOM.nextBytes(joinId);
  }

  /** How the host's discard lines about this join begin. */
  String prefix() {
    return "discarded join " + HexFormat.of().formatHex(joinId).substring(0, 8) + "…: ";
  }

  /** Seals and injects on the host's topic; returns the message as sent (for replays). */
  byte[] send(SecretKey key, int selector, byte[] id, long sentAtMs, byte[] plaintext) throws Exception {
    byte[] messageId = new byte[16];
    RANDOM.nextBytes(messageId);
    byte[] message = Envelope.seal(key, selector, id, messageId, sentAtMs, plaintext, RANDOM);
    recorder.inject(secrets.toHostTopic(), message);
    return message;
  }

  /** {@link #send(SecretKey, int, byte[], long, byte[])} sent now. */
  byte[] send(SecretKey key, int selector, byte[] id, byte[] plaintext) throws Exception {
    return send(key, selector, id, System.currentTimeMillis(), plaintext);
  }

  void hello(long sentAtMs) throws Exception {
    send(secrets.sessionKey(Direction.CLIENT_TO_HOST), Envelope.KEY_SESSION, joinId, sentAtMs,
        Body.encode(Body.Type.HELLO, mine.publicKey()));
  }

  /** Waits for the host's welcome and derives this join's keys from it. */
  void welcomed() throws Exception {
    Body welcome = reply(Body.Type.WELCOME, secrets.sessionKey(Direction.HOST_TO_CLIENT));
    byte[] hostPublic = welcome.bytes(0);
    keys = secrets.joinKeys(joinId, mine.publicKey(), hostPublic, X25519.agree(mine.privateKey(), hostPublic));
  }

  /** Welcomed and offered: the host hands the join out. */
  void join(String name) throws Exception {
    hello(System.currentTimeMillis());
    welcomed();
    send(keys.of(Direction.CLIENT_TO_HOST), Envelope.KEY_JOIN, joinId, Body.encode(Body.Type.OFFER, name,
        "v=0 offer", null));
  }

  byte[] restart(long number) throws Exception {
    return send(keys.of(Direction.CLIENT_TO_HOST), Envelope.KEY_JOIN, joinId, Body.encode(Body.Type.RESTART,
        Body.u64(number), "v=0 restart " + number));
  }

  /** Waits for the host's reply on this join of {@code type}, opened with {@code key}; returns its body. */
  Body reply(Body.Type type, SecretKey key) throws Exception {
    return replies(type, key, joinId, 1).get(0);
  }

  /** Waits for {@code count} replies of {@code type} on join {@code id} that open under {@code key}. */
  List<Body> replies(Body.Type type, SecretKey key, byte[] id, int count) throws Exception {
    return recorder.await(m -> m.topic().equals(secrets.toClientTopic())
        && Arrays.equals(Arrays.copyOfRange(m.payload(), 2, 18), id) && opens(m.payload(), key, type), count)
        .stream().map(m -> open(m.payload(), key)).toList();
  }

  /** Replies under this join's key. */
  List<Body> replies(Body.Type type, int count) throws Exception {
    return replies(type, keys.of(Direction.HOST_TO_CLIENT), joinId, count);
  }

  private static Body open(byte[] message, SecretKey key) {
    try {
      return Body.decode(Envelope.open(key, message));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static boolean opens(byte[] message, SecretKey key, Body.Type type) {
    try {
      return Body.decode(Envelope.open(key, message)).type() == type;
    } catch (Exception e) {
      return false;
    }
  }
}
