package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.p2ptunnel.webrtc.JoinRejectedException;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.Signaling;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of HTTP signaling: {@link #exchange} posts a join request with the offer to a Session ID on a
 * {@link SignalingServer}, then long-polls until the host answers. A refusal by the host, or a session that already
 * has its clients, fails with {@link JoinRejectedException}; an unknown or ended session and other errors fail with
 * a {@link WebRtcException} carrying the server's message. Cancelling the returned future stops polling.
 * Thread-safe; each exchange is independent.
 */
public final class HttpSignaling implements Signaling {
  static final Duration POLL_WAIT = Duration.ofSeconds(25);
  static final int MAX_TRANSIENT_FAILURES = 3;
  static final long RETRY_DELAY_MS = 1_000;

  private final ServerCalls calls;
  private final String sessionId;
  private final String clientName;

  /**
   * @param server the signaling server, e.g. {@code https://signal.example.org/}
   * @param sessionId as the host read it out: case, dashes and spaces do not matter
   * @param clientName shown to the host when it decides (1..64 printable characters)
   * @throws IllegalArgumentException if {@code sessionId} cannot be a Session ID or {@code server} is not http(s)
   */
  public HttpSignaling(URI server, String sessionId, String clientName) {
    this.calls = new ServerCalls(Objects.requireNonNull(server, "server"));
    // First used after ICE gathering: warm it meanwhile, not earlier, when the HTTP client and libwebrtc load
    // already share the CPU (docs/PERFORMANCE.md, setup).
    Json.warmUpInBackground();
    this.sessionId = ServerCalls.sessionId(sessionId);
    this.clientName = Objects.requireNonNull(clientName, "clientName");
    if (clientName.isEmpty() || clientName.length() > HttpFront.MAX_CLIENT_NAME_CHARS) {
      throw new IllegalArgumentException("clientName: " + clientName.length() + " characters (expected: 1.."
          + HttpFront.MAX_CLIENT_NAME_CHARS + ")");
    }
  }

  /** The Session ID in canonical display form ({@code XXXX-XXXX-…}). */
  public String sessionId() {
    return sessionId;
  }

  @Override
  public CompletableFuture<SessionDescription> exchange(SessionDescription offer) {
    if (offer.type() != SessionDescription.Type.OFFER) {
      throw new IllegalArgumentException("offer: " + offer + " (expected: an OFFER)");
    }
    CompletableFuture<SessionDescription> answer = new CompletableFuture<>();
    String what = "join request to session " + sessionId;
    calls.call(what, "POST", "v1/sessions/" + sessionId + "/joins", null,
        Json.object().put("clientName", clientName).put("offer", offer.sdp()), ServerCalls.POLL_SLACK)
        .whenComplete((body, error) -> {
          if (error != null) {
            answer.completeExceptionally(refusal(error));
          } else {
            poll(body.path("joinId").asText(), answer, 0);
          }
        });
    return answer;
  }

  private void poll(String joinId, CompletableFuture<SessionDescription> answer, int failures) {
    if (answer.isDone()) {
      return;
    }
    calls.call("waiting for the host's answer in session " + sessionId, "GET",
        "v1/sessions/" + sessionId + "/joins/" + joinId + "?wait=" + POLL_WAIT.toSeconds(), null, null,
        POLL_WAIT.plus(ServerCalls.POLL_SLACK))
        .whenComplete((body, error) -> {
          if (error != null) {
            Throwable cause = ServerCalls.cause(error);
            if (!(cause instanceof ServerCalls.Refused) && failures + 1 < MAX_TRANSIENT_FAILURES) {
              CompletableFuture.delayedExecutor(RETRY_DELAY_MS, TimeUnit.MILLISECONDS)
                  .execute(() -> poll(joinId, answer, failures + 1));
            } else {
              answer.completeExceptionally(refusal(error));
            }
            return;
          }
          onResult(joinId, body, answer);
        });
  }

  private void onResult(String joinId, JsonNode body, CompletableFuture<SessionDescription> answer) {
    switch (body.path("status").asText()) {
      case "pending" -> poll(joinId, answer, 0);
      case "approved" -> answer.complete(new SessionDescription(SessionDescription.Type.ANSWER,
          body.path("answer").asText()));
      case "rejected" -> answer.completeExceptionally(new JoinRejectedException(body.path("reason").asText()));
      default -> answer.completeExceptionally(new WebRtcException("waiting for the host's answer in session "
          + sessionId + ": unexpected reply " + Ids.quote(body.toString())));
    }
  }

  /** A full session is the host taking no more clients: a refusal. Everything else stays as the call reported it. */
  private static Throwable refusal(Throwable error) {
    Throwable cause = ServerCalls.cause(error);
    if (cause instanceof ServerCalls.Refused refused && refused.code.equals("session_full")) {
      return new JoinRejectedException(refused.serverMessage);
    }
    return cause;
  }
}
