package dev.p2ptunnel.rendezvous.internal;

import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One client's join as the host sees it through rendezvous, from its hello to the decision, and after an approval for
 * as long as the tunnel lives: its keys carry the client's ICE restarts ({@link HostRestarts}). The
 * {@link JoinRequest} methods (called by the host runtime on its thread) hop to the engine's loop, which owns every
 * field. Thread-safe.
 */
final class HostJoin implements JoinRequest {
  /** Where the join stands. */
  enum State {
    /** Hello answered; waiting for the offer. */
    WELCOMED,
    /** Offer received and handed out; waiting for the host runtime's challenge or decision. */
    OFFERED,
    /** Challenge sent; waiting for the reveal. */
    CHALLENGED,
    /** Reveal received; waiting for the decision. */
    REVEALED,
    /** Answer or refusal sent; kept a while to answer the client's repeats. */
    DECIDED,
    /** The client withdrew or went silent. */
    WITHDRAWN
  }

  final HostEngine engine;
  final byte[] joinId;
  final String id;
  final byte[] clientPublic;
  final SessionSecrets.JoinKeys keys;
  final byte[] welcome;
  final CompletableFuture<JoinReveal> reveal = new CompletableFuture<>();
  final CompletableFuture<String> withdrawn = new CompletableFuture<>();
  // Owned by the engine's loop thread:
  State state = State.WELCOMED;
  @Nullable JoinOffer offer;
  /** The plaintext of the host's latest message, repeated whenever the client repeats its own. */
  byte[] latest;
  int latestKey;
  long lastHeardNs;
  long settledNs;
  /** Answered (approved): kept with its keys for the client's ICE restarts while the tunnel lives. */
  boolean accepted;
  /** When the host runtime said the client's session ended or is in trouble ({@link #left}); 0: not yet. */
  long leftAtNs;
  /** Who answers ICE restarts: the host's session of this join, once it carries. */
  @Nullable Function<SessionDescription, CompletableFuture<SessionDescription>> answerer;
  /** The highest restart number received, and the reply sent to it (null while it is being answered). */
  long restartSeen;
  byte @Nullable [] restartReply;
  long lastRestartNs;
  /** Token bucket of restarts (see {@link HostRestarts#PER_MINUTE}). */
  double restartTokens = HostRestarts.BURST;
  long restartTokensAtNs;

  HostJoin(HostEngine engine, byte[] joinId, byte[] clientPublic, SessionSecrets.JoinKeys keys, byte[] welcome,
      long nowNs) {
    this.engine = engine;
    this.joinId = joinId;
    this.id = Endpoint.hex(joinId);
    this.clientPublic = clientPublic;
    this.keys = keys;
    this.welcome = welcome;
    this.latest = welcome;
    this.latestKey = Envelope.KEY_SESSION;
    this.lastHeardNs = nowNs;
  }

  @Override
  public JoinOffer offer() {
    JoinOffer value = offer;
    if (value == null) {
      throw new IllegalStateException("offer: none yet (a join request is handed out after its offer)");
    }
    return value;
  }

  @Override
  public @Nullable String clientAddress() {
    return null; // a broker does not tell its subscribers who published
  }

  @Override
  public boolean twoStage() {
    return true;
  }

  @Override
  public CompletableFuture<JoinReveal> challenge(JoinChallenge challenge) {
    if (!engine.onLoop(() -> engine.challenge(this, challenge))) {
      reveal.completeExceptionally(Endpoint.closed());
    }
    return reveal.copy();
  }

  @Override
  public CompletableFuture<Void> accept(JoinAnswer answer) {
    CompletableFuture<Void> handed = new CompletableFuture<>();
    if (!engine.onLoop(() -> handed.complete(engine.decide(this, Body.Type.ANSWER, answer.answer().sdp(),
        answer.hostNonce())))) {
      handed.completeExceptionally(Endpoint.closed());
    }
    return handed;
  }

  @Override
  public CompletableFuture<Void> reject(String reason) {
    CompletableFuture<Void> handed = new CompletableFuture<>();
    if (!engine.onLoop(() -> handed.complete(engine.decide(this, Body.Type.REFUSE, HostEngine.reason(reason,
        "the host refused"))))) {
      handed.complete(null); // closed: nobody to tell
    }
    return handed;
  }

  /**
   * Nothing travels: brokers keep no slot. An approved join is still kept a while for its client's ICE restarts
   * ({@link HostRestarts#LEFT_KEPT}); any other is forgotten at once.
   */
  @Override
  public CompletableFuture<Void> left(String reason) {
    engine.onLoop(() -> engine.left(this));
    return CompletableFuture.completedFuture(null);
  }

  /** Rendezvous carries the client's ICE restarts of an approved join, encrypted with the join's keys. */
  @Override
  public boolean restartable() {
    return true;
  }

  @Override
  public void onRestart(Function<SessionDescription, CompletableFuture<SessionDescription>> answerer) {
    engine.onLoop(() -> this.answerer = answerer);
  }

  @Override
  public CompletableFuture<String> withdrawn() {
    return withdrawn.copy();
  }

  /** The client withdrew or went silent before a decision (loop thread). */
  void withdrawnBy(String reason) {
    state = State.WITHDRAWN;
    withdrawn.complete(reason);
    reveal.completeExceptionally(new WebRtcException("withdrawn by the client: " + reason));
  }

  @Override
  public String toString() {
    JoinOffer value = offer;
    return "JoinRequest[rendezvous " + id.substring(0, 8) + (value == null ? "" : " from '" + value.clientName() + "'")
        + "]";
  }
}
