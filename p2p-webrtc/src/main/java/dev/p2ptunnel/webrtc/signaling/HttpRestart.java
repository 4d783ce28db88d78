package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JsonBodies;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One ICE restart of an approved join through the signaling server, client side: posts the offer
 * ({@code POST …/joins/{j}/restart}), then polls the join ({@code ?since=approved&restart=N}) until the host's answer
 * to that restart is there. Bounded: the offer's post is tried again after passing failures only within
 * {@link #POST_BUDGET} (an unreachable server fails the restart before the next one is due, default every 5 s), and
 * the whole exchange gives up after {@link #ANSWER_BUDGET}. Completing the result from outside (a timeout, a
 * cancel) stops it. Thread-safe: each step runs on a reply thread of the HTTP client, one after the other.
 */
final class HttpRestart {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.signaling");
  /** How long the offer's post may take, retries included. */
  static final Duration POST_BUDGET = Duration.ofSeconds(4);
  /** How long the whole restart may take, the host's ICE gathering included. */
  static final Duration ANSWER_BUDGET = Duration.ofSeconds(15);
  /** The longest wait of one answer poll. */
  static final Duration POLL_WAIT = Duration.ofSeconds(10);
  /** Refusals that mean this join takes no more restarts: the client must rejoin. */
  private static final Set<String> FINAL = Set.of(ErrorCode.JOIN_NOT_FOUND.wire(), ErrorCode.WRONG_STATE.wire(),
      ErrorCode.JOIN_EXPIRED.wire(), ErrorCode.SESSION_NOT_FOUND.wire(), ErrorCode.SESSION_EXPIRED.wire(),
      ErrorCode.SESSION_CLOSED.wire(), ErrorCode.SESSION_REPLACED.wire(), ErrorCode.SESSION_EVICTED.wire(),
      ErrorCode.NOT_FOUND.wire(), ErrorCode.METHOD_NOT_ALLOWED.wire());

  private final ServerCalls calls;
  private final String sessionId;
  private final String joinPath;
  private final SessionDescription offer;
  private final CompletableFuture<SessionDescription> result = new CompletableFuture<>();
  private final long startNs = System.nanoTime();
  /** The retry pauses taken so far: they count against the budgets even where a test's delayer does not wait. */
  private volatile long pausedNs;

  HttpRestart(ServerCalls calls, String sessionId, String joinPath, SessionDescription offer) {
    this.calls = calls;
    this.sessionId = sessionId;
    this.joinPath = joinPath;
    this.offer = offer;
  }

  CompletableFuture<SessionDescription> start() {
    post(1);
    return result;
  }

  private Duration left(Duration budget) {
    return budget.minusNanos(Math.max(System.nanoTime() - startNs, pausedNs));
  }

  private void post(int attempt) {
    Duration left = left(POST_BUDGET);
    if (result.isDone()) {
      return;
    }
    if (left.isNegative() || left.isZero()) {
      result.completeExceptionally(new WebRtcException("ICE restart: the signaling server " + calls.base()
          + " took no restart offer within " + POST_BUDGET.toSeconds() + " s"));
      return;
    }
    calls.call("ICE restart offer in session " + sessionId, "POST", joinPath + "/restart", null,
        JsonBodies.object().put("offer", offer.sdp()), left).whenComplete((reply, error) -> {
          if (error == null) {
            poll(reply.path("restart").asLong(), reply.path("status").asText("approved"));
            return;
          }
          Throwable cause = ServerCalls.cause(error);
          Duration pause = ServerCalls.pauseAfter(cause, calls.retry().delay(attempt), calls.retry().cap());
          if (ServerCalls.passing(cause) && attempt < calls.retry().attempts()
              && pause.compareTo(left(POST_BUDGET)) < 0) {
            LOG.log(Level.DEBUG, "ICE restart offer failed (try {0}), again in {1} ms: {2}", attempt,
                pause.toMillis(), cause.getMessage());
            pausedNs += pause.toNanos();
            calls.delayer().after(pause, () -> post(attempt + 1));
          } else {
            result.completeExceptionally(refusal(cause));
          }
        });
  }

  /** @param since the join's status as last seen: approved, or left (the host freed its place meanwhile) */
  private void poll(long restart, String since) {
    Duration left = left(ANSWER_BUDGET);
    if (result.isDone()) {
      return;
    }
    if (restart < 1) {
      result.completeExceptionally(new WebRtcException("ICE restart: the server did not number the restart"));
      return;
    }
    if (left.isNegative() || left.isZero()) {
      result.completeExceptionally(new WebRtcException("ICE restart " + restart + ": the host did not answer within "
          + ANSWER_BUDGET.toSeconds() + " s"));
      return;
    }
    Duration wait = left.compareTo(POLL_WAIT) < 0 ? left : POLL_WAIT;
    long waitSeconds = Math.max(1, wait.toSeconds());
    calls.call("waiting for the host's ICE restart answer in session " + sessionId, "GET", joinPath
        + "?since=" + since + "&restart=" + restart + "&wait=" + waitSeconds, null, null,
        Duration.ofSeconds(waitSeconds).plus(POST_BUDGET)).whenComplete((body, error) -> {
          if (error != null) {
            Throwable cause = ServerCalls.cause(error);
            if (ServerCalls.passing(cause)) {
              Duration pause = ServerCalls.pauseAfter(cause, calls.retry().delay(1), calls.retry().cap());
              pausedNs += pause.toNanos();
              calls.delayer().after(pause, () -> poll(restart, since));
            } else {
              result.completeExceptionally(refusal(cause));
            }
            return;
          }
          onStatus(restart, body);
        });
  }

  private void onStatus(long restart, JsonNode body) {
    String status = body.path("status").asText();
    if (!"approved".equals(status) && !"left".equals(status)) {
      String reason = body.path("reason").asText("");
      result.completeExceptionally(new JoinRejectedException("the join request is " + status
          + " on the signaling server: it takes no more ICE restarts" + (reason.isEmpty() ? "" : " (" + reason + ")")));
      return;
    }
    JsonNode answered = body.path("restartAnswer");
    if (answered.path("restart").asLong() == restart && answered.path("answer").isTextual()) {
      result.complete(new SessionDescription(SessionDescription.Type.ANSWER, answered.path("answer").asText()));
    } else if (body.path("restart").asLong() > restart) {
      result.completeExceptionally(new WebRtcException("ICE restart " + restart + " was superseded by restart "
          + body.path("restart").asLong()));
    } else {
      poll(restart, status);
    }
  }

  /** A refusal that ends this join's restarts becomes a {@link JoinRejectedException} (the client rejoins). */
  private static Throwable refusal(Throwable cause) {
    if (cause instanceof ServerCalls.Refused refused && FINAL.contains(refused.code)) {
      return new JoinRejectedException("the signaling server takes no more ICE restarts of this join: "
          + refused.serverMessage);
    }
    return cause;
  }
}
