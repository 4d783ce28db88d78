package dev.p2ptunnel.rendezvous;

import dev.p2ptunnel.rendezvous.internal.ClientEngine;
import dev.p2ptunnel.rendezvous.internal.SessionSecrets;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.Signaling;
import java.util.concurrent.CompletableFuture;

/**
 * The client's side of rendezvous: finds the host of a Session ID through the configured brokers (trying all at once,
 * so one broker down changes nothing) and carries the join exchange with it, end-to-end encrypted. Construction
 * starts deriving the keys and connecting, so that both are ready when {@link #join} is called after ICE gathering;
 * the connections close once the join is answered, refused or given up, and open again for another join. A join
 * fails with a {@link dev.p2ptunnel.webrtc.WebRtcException} that says why: no broker reachable (each named with its
 * error), no host answering within {@link RendezvousConfig#findTimeout()} ("check the Session ID"), or a host that
 * fell silent; a refusal is a {@link dev.p2ptunnel.webrtc.JoinRejectedException}. Thread-safe.
 */
public final class MqttSignaling implements Signaling, AutoCloseable {
  private final ClientEngine engine;
  private final String sessionId;

  /**
   * @param sessionId as the host read it out: case, dashes and spaces do not matter
   * @throws IllegalArgumentException if {@code sessionId} is not a rendezvous Session ID ({@link RendezvousId#parse})
   */
  public MqttSignaling(RendezvousConfig config, String sessionId) {
    this.sessionId = RendezvousId.parse(sessionId);
    this.engine = ClientEngine.start(MqttHostSignaling.settings(config), this.sessionId,
        RendezvousId.canonical(this.sessionId));
  }

  /** With the key schedule coming from {@code derived} (tests hold it). */
  MqttSignaling(RendezvousConfig config, String sessionId, CompletableFuture<SessionSecrets> derived) {
    this.sessionId = RendezvousId.parse(sessionId);
    this.engine = ClientEngine.start(MqttHostSignaling.settings(config), this.sessionId, derived);
  }

  /** The Session ID in display form ({@code XXXX-XXXX-XXXX-XXXX}). */
  public String sessionId() {
    return sessionId;
  }

  /**
   * {@code rendezvous:XXXX-XXXX-XXXX-XXXX}: the host's identity is remembered under its Session ID, whatever brokers
   * carried the join.
   */
  @Override
  public String hostKey() {
    return "rendezvous:" + sessionId;
  }

  @Override
  public ClientJoin join(JoinOffer offer) {
    return engine.join(offer);
  }

  /** Withdraws joins in progress and disconnects from every broker (waiting up to 5 s). Idempotent. */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "MqttSignaling[" + sessionId + "]";
  }
}
