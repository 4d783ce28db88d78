package dev.p2ptunnel.rendezvous;

import dev.p2ptunnel.rendezvous.internal.HostEngine;
import dev.p2ptunnel.rendezvous.internal.SessionSecrets;
import dev.p2ptunnel.rendezvous.internal.Settings;
import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The host's side of rendezvous: a Session ID ({@link #sessionId()}, to read out to the client) and a subscription
 * to its topic on every configured broker. Clients that know the Session ID find the host there; each join arrives
 * through {@link #nextJoin()} as a {@link JoinRequest} with a challenge, the client's reveal and the host's answer or
 * refusal, all end-to-end encrypted (docs/SIGNALING.md, "Rendezvous"). Plug it into
 * {@link dev.p2ptunnel.webrtc.HostOptions.Builder#signaling}: approval, the short authentication code and trusted
 * identities work as with any signaling. The broker does not tell who published, so join requests carry no client
 * address. It keeps listening while brokers come and go (reconnecting to each with growing pauses) until
 * {@link #close()}. Thread-safe: one thread of its own owns all state.
 */
public final class MqttHostSignaling implements HostSignaling {
  private final HostEngine engine;
  private final String sessionId;
  private final RendezvousConfig config;

  private MqttHostSignaling(HostEngine engine, String sessionId, RendezvousConfig config) {
    this.engine = engine;
    this.sessionId = sessionId;
    this.config = config;
  }

  /** Opens a rendezvous with a new random Session ID; blocks like {@link #open(RendezvousConfig, String)}. */
  public static MqttHostSignaling open(RendezvousConfig config) {
    return open(config, RendezvousId.random());
  }

  /**
   * Opens a rendezvous under {@code sessionId}: derives its keys and connects to every broker, and returns once one
   * broker is connected and subscribed (the others keep connecting in the background). The Session ID comes from
   * {@link RendezvousId#random()}, or from {@link RendezvousId#fromClaim} for one that survives restarts; knowing it
   * before this returns lets a program show it while the brokers connect.
   *
   * @throws IllegalArgumentException if {@code sessionId} is not a Session ID ({@link RendezvousId#parse})
   * @throws WebRtcException if no broker can be reached, naming each broker and its error
   */
  public static MqttHostSignaling open(RendezvousConfig config, String sessionId) {
    return open(start(config, sessionId));
  }

  /** Waits for {@code signaling} to open, as {@link #open(RendezvousConfig, String)} says. */
  static MqttHostSignaling open(MqttHostSignaling signaling) {
    HostEngine engine = signaling.engine;
    RendezvousConfig config = signaling.config;
    try {
      // Deriving the keys is CPU work that always ends, but takes seconds in a cold JVM on a busy machine (4 s at load
      // 14, docs/PERFORMANCE.md): the bound below is for the network steps, so it starts once the keys are there.
      engine.keysDerived().get();
      // The engine fails opened() once every broker failed; the bound only guards against a stuck attempt.
      engine.opened().get(config.connectTimeout().toMillis() * 2 + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      engine.close();
      throw new WebRtcException("opening the rendezvous: interrupted", e);
    } catch (ExecutionException e) {
      engine.close();
      Throwable cause = e.getCause();
      throw cause instanceof WebRtcException w ? w : new WebRtcException("opening the rendezvous: " + cause, cause);
    } catch (TimeoutException e) {
      engine.close();
      throw new WebRtcException("no rendezvous broker answered within " + (config.connectTimeout().toSeconds() * 2
          + 5) + " s: " + String.join(", ", config.brokers()));
    }
    return signaling;
  }

  /**
   * Starts a rendezvous under {@code sessionId} and returns at once: the keys are derived and the brokers connected in
   * the background, while a program shows the Session ID. {@link #opened()} completes once one broker is connected
   * and subscribed; when none can be reached (every broker failed once), it and {@link #nextJoin()} fail with a
   * {@link WebRtcException} naming each broker and its error. Clients that join meanwhile repeat their hello until
   * the host listens.
   *
   * @throws IllegalArgumentException if {@code sessionId} is not a Session ID ({@link RendezvousId#parse})
   */
  public static MqttHostSignaling start(RendezvousConfig config, String sessionId) {
    String id = RendezvousId.parse(sessionId);
    HostEngine engine = HostEngine.start(settings(config), id, RendezvousId.canonical(id));
    return new MqttHostSignaling(engine, id, config);
  }

  /** {@link #start(RendezvousConfig, String)} with the key schedule coming from {@code derived} (tests hold it). */
  static MqttHostSignaling start(RendezvousConfig config, String sessionId,
      CompletableFuture<SessionSecrets> derived) {
    String id = RendezvousId.parse(sessionId);
    return new MqttHostSignaling(HostEngine.start(settings(config), id, derived), id, config);
  }

  /** Completes once one broker is connected and subscribed; fails when no broker can be reached. */
  public CompletableFuture<Void> opened() {
    return engine.opened();
  }

  static Settings settings(RendezvousConfig config) {
    return new Settings(config.addresses(), config.trust(), config.connectTimeout(), config.findTimeout(),
        config.listener());
  }

  /** The Session ID to give the client, {@code XXXX-XXXX-XXXX-XXXX}. */
  public String sessionId() {
    return sessionId;
  }

  /** The configured brokers ({@code mqtts://host:port}). */
  public List<String> brokers() {
    return config.brokers();
  }

  /** The brokers connected and subscribed right now. */
  public List<String> connectedBrokers() {
    return engine.brokersUp();
  }

  @Override
  public CompletableFuture<JoinRequest> nextJoin() {
    return engine.nextJoin();
  }

  /**
   * Stops listening: joins not yet decided are refused ("the host has stopped"), waiting {@link #nextJoin} calls
   * fail, and every broker is disconnected (waiting up to 5 s). Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "MqttHostSignaling[" + sessionId + " via " + config.brokers() + "]";
  }
}
