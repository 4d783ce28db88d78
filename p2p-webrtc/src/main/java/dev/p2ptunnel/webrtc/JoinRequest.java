package dev.p2ptunnel.webrtc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One client asking to join a host, as {@link HostSignaling} delivers it. Thread-safe. The host runtime calls, in
 * order: {@link #challenge} (only when {@link #twoStage()} and the client committed), then {@link #accept} or
 * {@link #reject} once, then {@link #left} when an accepted client's session ends.
 */
public interface JoinRequest {
  /** What the client sent: name, offer, commitment. */
  JoinOffer offer();

  /** The client's address as the transport saw it (e.g. the signaling server), or null when unknown. */
  default @Nullable String clientAddress() {
    return null;
  }

  /**
   * Whether the transport carries a challenge and the client's reveal before the answer (a signaling server does;
   * offline tokens do not: there the nonces travel in the tokens and the reveal over the open channel).
   */
  boolean twoStage();

  /**
   * How long the accepted answer may take to reach the client and be applied: a moment through a server; up to the
   * tokens' lifetime when a person carries it. The host's session waits this long plus the connect timeout for the
   * channel.
   */
  default Duration answerTransit() {
    return Duration.ZERO;
  }

  /**
   * Sends the first-stage reply (two-stage transports only); completes with the client's reveal.
   *
   * @throws UnsupportedOperationException if {@link #twoStage()} is false
   */
  CompletableFuture<JoinReveal> challenge(JoinChallenge challenge);

  /** Approves: delivers the host's answer to the client. */
  CompletableFuture<Void> accept(JoinAnswer answer);

  /**
   * Refuses: the client's exchange fails with a {@link JoinRejectedException} saying {@code reason} (offline, nobody
   * can be told).
   */
  CompletableFuture<Void> reject(String reason);

  /**
   * An accepted client's session ended: frees its place at once (a server frees the session's slot); completes
   * once the transport has taken note.
   */
  default CompletableFuture<Void> left(String reason) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * The host no longer keeps this accepted client at all (its tunnel closed: the grace period ended, or the host
   * closed it): a transport that carries ICE restarts refuses the join's further restarts, and answers a client
   * waiting for one with the refusal, so that it rejoins at once instead of waiting for an answer that cannot come (a
   * server: the join, once {@link #left}, becomes rejected with {@code reason}). Called after {@link #left}. Completes
   * once the transport has taken note, or has nothing to do; does nothing unless overridden.
   */
  default CompletableFuture<Void> ended(String reason) {
    return CompletableFuture.completedFuture(null);
  }

  /** Completes with the client's reason if it withdraws the join before it is answered; may never complete. */
  default CompletableFuture<String> withdrawn() {
    return new CompletableFuture<>();
  }

  /** Whether the transport carries the client's ICE restarts of an accepted join ({@link #onRestart}). */
  default boolean restartable() {
    return false;
  }

  /**
   * After {@link #accept}: who answers the client's ICE restart offers from now on (the host's session of this join).
   * Called once by the host runtime, only when {@link #restartable()}; {@code answerer} may be called from any thread
   * of the transport and must not block (it returns a stage).
   */
  default void onRestart(Function<SessionDescription, CompletableFuture<SessionDescription>> answerer) {}
}
