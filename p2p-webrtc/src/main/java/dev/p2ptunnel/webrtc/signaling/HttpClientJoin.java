package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.api.WireLimits;
import dev.p2ptunnel.signaling.api.SessionIds;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.webrtc.ClientJoin;
import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** One client's join through a signaling server. Thread-safe: its futures complete once. */
final class HttpClientJoin implements ClientJoin {
  private final ServerCalls calls;
  private final String sessionId;
  private final boolean paired;
  private final Duration requestTimeout;
  private final CompletableFuture<HostReply> first = new CompletableFuture<>();
  private final CompletableFuture<JoinAnswer> answer = new CompletableFuture<>();
  private final CompletableFuture<String> joinId = new CompletableFuture<>();
  private volatile boolean withdrawn;

  /** @param requestTimeout of the join request and the reveal: {@link ServerCalls#REQUEST_TIMEOUT}, shorter in tests */
  HttpClientJoin(ServerCalls calls, String sessionId, boolean paired, Duration requestTimeout) {
    this.calls = calls;
    this.sessionId = sessionId;
    this.paired = paired;
    this.requestTimeout = requestTimeout;
  }

  void start(JoinOffer offer) {
    ObjectNode body = JsonBodies.object().put("clientName", offer.clientName()).put("offer", offer.offer().sdp());
    byte[] commitment = offer.commitment();
    if (commitment != null) {
      body.put("commitment", b64(commitment));
    }
    calls.call("join request to session " + sessionId, "POST", "v1/sessions/" + sessionId + "/joins", null, body,
        requestTimeout).whenComplete((reply, error) -> {
          if (error != null) {
            fail(refusal(error));
            return;
          }
          String id = reply.path("joinId").asText();
          joinId.complete(id);
          poll(id, "pending"); // first: the host's challenge may be there already, the timer below is for later
          if (paired) {
            CompletableFuture.delayedExecutor(HttpSignaling.FIRST_REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                  if (first.completeExceptionally(new WebRtcException("the host is not answering: no reply to the "
                      + "join request within " + HttpSignaling.FIRST_REPLY_TIMEOUT.toSeconds() + " s"))) {
                    withdraw("the host did not answer");
                  }
                });
          }
        });
  }

  @Override
  public CompletableFuture<HostReply> firstReply() {
    return first.copy();
  }

  @Override
  public CompletableFuture<JoinAnswer> reveal(JoinReveal reveal) {
    String id = joinId.getNow(null);
    if (id == null || !(first.getNow(null) instanceof JoinChallenge)) {
      return CompletableFuture.failedFuture(new IllegalStateException("reveal: no challenge yet (expected: after "
          + "firstReply() completed with a JoinChallenge)"));
    }
    ObjectNode body = JsonBodies.object().put("nonce", b64(reveal.clientNonce()));
    byte[] certificate = reveal.certificate();
    byte[] proof = reveal.proof();
    if (certificate != null && proof != null) {
      body.put("certificate", b64(certificate)).put("proof", b64(proof));
    }
    calls.call("revealing the nonce in session " + sessionId, "POST", path(id) + "/reveal", null, body,
        requestTimeout).whenComplete((reply, error) -> {
          if (error != null) {
            answer.completeExceptionally(refusal(error));
          } else {
            poll(id, "revealed");
          }
        });
    return answer.copy();
  }

  @Override
  public void withdraw(String reason) {
    if (withdrawn) {
      return;
    }
    withdrawn = true;
    WebRtcException gone = new WebRtcException("join withdrawn: " + reason);
    first.completeExceptionally(gone);
    answer.completeExceptionally(gone);
    joinId.thenAccept(id -> calls.call("withdrawing the join request", "POST", path(id) + "/withdraw", null,
        JsonBodies.object().put("reason", WireLimits.reason(reason, "withdrawn by the client")),
        ServerCalls.POLL_SLACK));
  }

  private String path(String id) {
    return "v1/sessions/" + sessionId + "/joins/" + id;
  }

  private boolean done() {
    return withdrawn || answer.isDone() || first.isCompletedExceptionally();
  }

  private void poll(String id, String since) {
    if (done()) {
      return;
    }
    calls.retrying("waiting for the host in session " + sessionId, "GET", path(id) + "?since=" + since + "&wait="
        + HttpSignaling.POLL_WAIT.toSeconds(), null, HttpSignaling.POLL_WAIT.plus(ServerCalls.POLL_SLACK))
        .whenComplete((body, error) -> {
          if (error != null) {
            fail(refusal(error));
          } else {
            onStatus(id, since, body);
          }
        });
  }

  private void onStatus(String id, String since, JsonNode body) {
    String status = body.path("status").asText();
    switch (status) {
      case "pending", "revealed" -> {
        if (status.equals(since)) {
          poll(id, since);
        } else {
          fail(unexpected(body));
        }
      }
      case "challenged" -> {
        JsonNode challenge = body.path("challenge");
        try {
          first.complete(new JoinChallenge(challenge.path("fingerprint").asText(),
              Base64.getUrlDecoder().decode(challenge.path("nonce").asText())));
        } catch (IllegalArgumentException e) {
          fail(new WebRtcException("the host's challenge is malformed: " + e.getMessage()));
        }
      }
      case "approved" -> {
        byte[] hostNonce = body.hasNonNull("hostNonce")
            ? Base64.getUrlDecoder().decode(body.path("hostNonce").asText()) : null;
        JoinAnswer result = new JoinAnswer(new SessionDescription(SessionDescription.Type.ANSWER,
            body.path("answer").asText()), hostNonce);
        if (!first.complete(result)) {
          answer.complete(result);
        }
      }
      case "rejected" -> fail(new JoinRejectedException(body.path("reason").asText()));
      case "withdrawn", "left" -> fail(new WebRtcException("the join request was " + status + ": "
          + body.path("reason").asText()));
      default -> fail(unexpected(body));
    }
  }

  /** The server carries ICE restarts of an approved join (docs/SIGNALING.md, "ICE restart through the server"). */
  @Override
  public boolean restartable() {
    return true;
  }

  /**
   * Posts the restart offer (tried again after passing failures for at most {@link HttpRestart#POST_BUDGET}, so that
   * an unreachable server fails it before the next restart is due), then polls for the host's answer (at most
   * {@link HttpRestart#ANSWER_BUDGET} in all). Fails with {@link JoinRejectedException} when the server says this join
   * takes no more restarts (it ended, the session is gone, or the server has no restart endpoint): the client then
   * rejoins. Completing (or cancelling) the returned future from outside stops the exchange.
   */
  @Override
  public CompletableFuture<SessionDescription> restartIce(SessionDescription offer) {
    String id = joinId.getNow(null);
    boolean approved = answer.isDone() && !answer.isCompletedExceptionally()
        || first.isDone() && !first.isCompletedExceptionally() && first.join() instanceof JoinAnswer;
    if (id == null || !approved) {
      return CompletableFuture.failedFuture(new WebRtcException(
          "ICE restart: the host has not answered this join (expected: after its answer)"));
    }
    if (withdrawn) {
      return CompletableFuture.failedFuture(new WebRtcException("ICE restart: the join was withdrawn"));
    }
    return new HttpRestart(calls, sessionId, path(id), offer).start();
  }

  private WebRtcException unexpected(JsonNode body) {
    return new WebRtcException("waiting for the host in session " + sessionId + ": unexpected reply "
        + SessionIds.quote(body.toString()));
  }

  private void fail(Throwable error) {
    first.completeExceptionally(error);
    answer.completeExceptionally(error);
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Full sessions and silent hosts say so in words; everything else stays as the call reported it. */
  static Throwable refusal(Throwable error) {
    Throwable cause = ServerCalls.cause(error);
    if (cause instanceof ServerCalls.Refused refused) {
      if (refused.code.equals(ErrorCode.SESSION_FULL.wire())) {
        return new JoinRejectedException(refused.serverMessage);
      }
      if (refused.code.equals(ErrorCode.HOST_NOT_ANSWERING.wire())) {
        return new WebRtcException(refused.serverMessage);
      }
    }
    return cause;
  }
}
