package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One join as the client sees it through rendezvous, and after the answer the way its ICE restarts travel (with the
 * join's keys, {@link ClientRestarts}). The {@link ClientJoin} methods hop to the engine's loop, which owns every
 * field but the two volatile flags; the futures complete there. Thread-safe.
 */
final class ClientJoinState implements ClientJoin {
  /** Where the join stands. */
  enum State {
    /** Hello sent (repeated every 2 s); looking for the host. */
    FINDING,
    /** Offer sent (repeated with growing pauses); waiting for the challenge or the answer. */
    OFFERING,
    /** Challenge received; waiting for {@link #reveal} to be called. */
    CHALLENGED,
    /** Reveal sent (repeated); waiting for the host's decision. */
    REVEALING,
    /** Answered, refused, failed or withdrawn. */
    DONE
  }

  final ClientEngine engine;
  final byte[] joinId;
  final String id;
  final X25519.KeyPair mine;
  final JoinOffer offer;
  final CompletableFuture<HostReply> first = new CompletableFuture<>();
  final CompletableFuture<JoinAnswer> answer = new CompletableFuture<>();
  // Owned by the engine's loop thread:
  State state = State.FINDING;
  SessionSecrets.@Nullable JoinKeys keys;
  /** The plaintext repeated until the host replies: hello, offer or reveal. */
  byte @Nullable [] repeating;
  long repeatMs;
  @Nullable ScheduledFuture<?> repeatTimer;
  @Nullable ScheduledFuture<?> deadline;
  long startedNs;
  /** The host said it carries ICE restarts of this join (a RESTARTS before its answer). */
  volatile boolean hostRestarts;
  /** The host answered (approved) this join. */
  volatile boolean answered;
  /** The host refused a restart as final, or forgot the join: it takes no more restarts. */
  volatile boolean restartsEnded;
  /** The number of the latest restart offered (from 1), its future while open, and its sealed-to-be plaintext. */
  long restartNumber;
  @Nullable CompletableFuture<SessionDescription> restart;
  byte @Nullable [] restartMessage;
  @Nullable ScheduledFuture<?> restartRepeat;
  @Nullable ScheduledFuture<?> restartDeadline;
  /** When the first restart not answered since the last answer was offered; 0: none. */
  long unansweredSinceNs;

  ClientJoinState(ClientEngine engine, byte[] joinId, JoinOffer offer) {
    this.engine = engine;
    this.joinId = joinId;
    this.id = Endpoint.hex(joinId);
    this.mine = X25519.generate();
    this.offer = offer;
  }

  @Override
  public CompletableFuture<HostReply> firstReply() {
    return first.copy();
  }

  @Override
  public CompletableFuture<JoinAnswer> reveal(JoinReveal reveal) {
    if (!(first.getNow(null) instanceof JoinChallenge)) {
      return CompletableFuture.failedFuture(new IllegalStateException("reveal: no challenge yet (expected: after "
          + "firstReply() completed with a JoinChallenge)"));
    }
    if (!engine.onLoop(() -> engine.handshake.reveal(this, reveal))) {
      answer.completeExceptionally(Endpoint.closed());
    }
    return answer.copy();
  }

  @Override
  public void withdraw(String reason) {
    if (!engine.onLoop(() -> engine.withdraw(this, reason))) {
      fail(new WebRtcException("join withdrawn: " + reason));
    }
  }

  /** Whether the host said it carries this join's ICE restarts, answered it, and has not ended them. */
  @Override
  public boolean restartable() {
    return hostRestarts && answered && !restartsEnded;
  }

  /**
   * Offers an ICE restart to the host (connecting to the brokers again if they were closed) and completes with its
   * answer; fails with {@link dev.p2ptunnel.webrtc.JoinRejectedException} when the join takes no more restarts (the
   * client then rejoins), with another {@link WebRtcException} when this one did not go through (the next may).
   * Completing the returned future from outside stops this restart.
   */
  @Override
  public CompletableFuture<SessionDescription> restartIce(SessionDescription offer) {
    CompletableFuture<SessionDescription> result = new CompletableFuture<>();
    if (!engine.onLoop(() -> engine.restarts.start(this, offer, result))) {
      result.completeExceptionally(Endpoint.closed());
    }
    return result;
  }

  /** Fails both futures (whichever is still open). */
  void fail(Throwable error) {
    first.completeExceptionally(error);
    answer.completeExceptionally(error);
  }

  void cancelTimers() {
    if (repeatTimer != null) {
      repeatTimer.cancel(false);
      repeatTimer = null;
    }
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public String toString() {
    return "ClientJoin[rendezvous " + id.substring(0, 8) + " " + state + "]";
  }
}
