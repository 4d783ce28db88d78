package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.api.WireLimits;
import dev.p2ptunnel.signaling.api.SessionIds;
import dev.p2ptunnel.signaling.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A join request as {@link HttpHostSignaling} received it from the event feed; challenge, accept, reject and left
 * post to the server, the feed completes its reveal and withdrawal. Thread-safe.
 */
final class HttpJoinRequest implements JoinRequest {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.signaling");
  /** How long a join whose place was freed still takes its client's ICE restarts here (the server's default joinTtl). */
  static final java.time.Duration LEFT_KEPT = java.time.Duration.ofMinutes(10);

  private final ServerCalls calls;
  private final String sessionId;
  private final String hostSecret;
  private final String joinId;
  private final JoinOffer offer;
  private final @Nullable String address;
  private final Runnable forget;
  private final CompletableFuture<JoinReveal> reveal = new CompletableFuture<>();
  private final CompletableFuture<String> withdrawn = new CompletableFuture<>();
  private volatile @Nullable Function<SessionDescription, CompletableFuture<SessionDescription>> restarts;
  /** The number of the latest ICE restart handed to the answerer (feed thread only). */
  private long restartHandled;

  private HttpJoinRequest(ServerCalls calls, String sessionId, String hostSecret, String joinId, JoinOffer offer,
      @Nullable String address, Runnable forget) {
    this.calls = calls;
    this.sessionId = sessionId;
    this.hostSecret = hostSecret;
    this.joinId = joinId;
    this.offer = offer;
    this.address = address;
    this.forget = forget;
  }

  /** The request of a {@code join} event, or null (after refusing it at the server) if the event is malformed. */
  static @Nullable HttpJoinRequest of(ServerCalls calls, String sessionId, String hostSecret, JsonNode event,
      Runnable forget) {
    String joinId = event.path("joinId").asText();
    try {
      String commitment = event.path("commitment").asText(null);
      JoinOffer offer = new JoinOffer(event.path("clientName").asText(), new SessionDescription(
          SessionDescription.Type.OFFER, event.path("offer").asText()),
          commitment == null ? null : Base64.getUrlDecoder().decode(commitment));
      return new HttpJoinRequest(calls, sessionId, hostSecret, joinId, offer,
          event.path("clientAddress").asText(null), forget);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "join request " + joinId + " is malformed: " + e.getMessage());
      calls.call("rejecting a malformed join request", "POST", "v1/sessions/" + sessionId + "/joins/" + joinId
          + "/reject", hostSecret, JsonBodies.object().put("reason", "malformed join request"), ServerCalls.POLL_SLACK);
      return null;
    }
  }

  /** The feed brought the client's reveal. */
  void revealed(JsonNode event) {
    try {
      String certificate = event.path("certificate").asText(null);
      String proof = event.path("proof").asText(null);
      reveal.complete(new JoinReveal(Base64.getUrlDecoder().decode(event.path("nonce").asText()),
          certificate == null ? null : Base64.getUrlDecoder().decode(certificate),
          proof == null ? null : Base64.getUrlDecoder().decode(proof)));
    } catch (IllegalArgumentException e) {
      reveal.completeExceptionally(new WebRtcException("the client's reveal is malformed: " + e.getMessage()));
    }
  }

  /** The feed says the client withdrew. */
  void withdrawnBy(String reason) {
    withdrawn.complete(reason);
    reveal.completeExceptionally(new WebRtcException("withdrawn by the client: " + reason));
  }

  @Override
  public JoinOffer offer() {
    return offer;
  }

  @Override
  public @Nullable String clientAddress() {
    return address;
  }

  @Override
  public boolean twoStage() {
    return true;
  }

  @Override
  public CompletableFuture<JoinReveal> challenge(JoinChallenge challenge) {
    post("challenge", JsonBodies.object().put("fingerprint", challenge.hostFingerprint()).put("nonce",
        b64(challenge.hostNonce()))).whenComplete((ok, error) -> {
          if (error != null) {
            reveal.completeExceptionally(error);
          }
        });
    return reveal.copy();
  }

  @Override
  public CompletableFuture<Void> accept(JoinAnswer answer) {
    ObjectNode body = JsonBodies.object().put("answer", answer.answer().sdp());
    byte[] hostNonce = answer.hostNonce();
    if (hostNonce != null) {
      body.put("hostNonce", b64(hostNonce));
    }
    return post("approve", body);
  }

  @Override
  public CompletableFuture<Void> reject(String reason) {
    forget.run();
    return post("reject", JsonBodies.object().put("reason", WireLimits.reason(reason, "the host refused")));
  }

  /**
   * Frees the client's place. A refusal (the join or the session is gone from the server, e.g. after it restarted
   * without its state) leaves nothing to free and counts as done; only an unreachable server fails it.
   */
  @Override
  public CompletableFuture<Void> left(String reason) {
    // Its client may still come back on the same connection by ICE restart: the feed keeps routing its restart
    // offers while the server keeps the join (joinTtl, 10 min by default).
    CompletableFuture.delayedExecutor(LEFT_KEPT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).execute(forget);
    return post("leave", JsonBodies.object().put("reason", WireLimits.reason(reason, "the client left")))
        .exceptionally(error -> {
          if (ServerCalls.passing(error)) {
            throw error instanceof java.util.concurrent.CompletionException c ? c
                : new java.util.concurrent.CompletionException(error);
          }
          LOG.log(Level.DEBUG, () -> this + ": nothing to free on the server: " + ServerCalls.cause(error)
              .getMessage());
          return null;
        });
  }

  /**
   * Ends the join on the server (a host's reject of the join it left): its ICE restarts are refused from now on. A
   * refusal (the join already ended, or the server forgot it or does not know the step) leaves nothing to end and
   * counts as done; only an unreachable server fails it.
   */
  @Override
  public CompletableFuture<Void> ended(String reason) {
    forget.run();
    return post("reject", JsonBodies.object().put("reason", WireLimits.reason(reason, "the host closed the tunnel")))
        .exceptionally(error -> {
          if (ServerCalls.passing(error)) {
            throw error instanceof java.util.concurrent.CompletionException c ? c
                : new java.util.concurrent.CompletionException(error);
          }
          LOG.log(Level.DEBUG, () -> this + ": nothing to end on the server: " + ServerCalls.cause(error)
              .getMessage());
          return null;
        });
  }

  @Override
  public CompletableFuture<String> withdrawn() {
    return withdrawn.copy();
  }

  /** The server carries the client's ICE restarts of an accepted join. */
  @Override
  public boolean restartable() {
    return true;
  }

  @Override
  public void onRestart(Function<SessionDescription, CompletableFuture<SessionDescription>> answerer) {
    restarts = answerer;
  }

  /**
   * The feed brought ICE restart {@code restart} of this join: the host's session answers it, and the answer is
   * posted (once: a lost answer costs the client one restart interval, then it sends a newer offer). Feed thread.
   */
  void restartOffered(long restart, String sdp) {
    if (restart <= restartHandled) {
      return;
    }
    restartHandled = restart;
    Function<SessionDescription, CompletableFuture<SessionDescription>> answerer = restarts;
    if (answerer == null) {
      LOG.log(Level.DEBUG, () -> this + ": ICE restart " + restart + " before the session carries; ignored");
      return;
    }
    CompletableFuture<SessionDescription> answer;
    try {
      answer = answerer.apply(new SessionDescription(SessionDescription.Type.OFFER, sdp));
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, () -> this + ": ICE restart " + restart + " not answered: " + e);
      return;
    }
    answer.thenCompose(description -> post("restart-answer", JsonBodies.object().put("restart", restart)
        .put("answer", description.sdp()))).whenComplete((ok, error) -> {
          if (error != null) {
            LOG.log(Level.DEBUG, () -> this + ": ICE restart " + restart + " not answered: "
                + ServerCalls.cause(error).getMessage());
          }
        });
  }

  private CompletableFuture<Void> post(String verb, ObjectNode body) {
    return calls.call(verb + " join request " + joinId + " from " + SessionIds.quote(offer.clientName()), "POST",
        "v1/sessions/" + sessionId + "/joins/" + joinId + "/" + verb, hostSecret, body, ServerCalls.POLL_SLACK)
        .thenApply(reply -> null);
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "JoinRequest[" + joinId + " from " + SessionIds.quote(offer.clientName()) + "]";
  }
}
