package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.webrtc.JoinRequest;
import dev.p2ptunnel.webrtc.SessionDescription;
import java.util.concurrent.CompletableFuture;

/** A join request as {@link HttpHostSignaling} received it; accept and reject post to the server. Immutable. */
final class HttpJoinRequest implements JoinRequest {
  private final ServerCalls calls;
  private final String sessionId;
  private final String hostSecret;
  private final String joinId;
  private final String clientName;
  private final SessionDescription offer;

  HttpJoinRequest(ServerCalls calls, String sessionId, String hostSecret, String joinId, String clientName,
      String offerSdp) {
    this.calls = calls;
    this.sessionId = sessionId;
    this.hostSecret = hostSecret;
    this.joinId = joinId;
    this.clientName = clientName;
    this.offer = new SessionDescription(SessionDescription.Type.OFFER, offerSdp);
  }

  @Override
  public String clientName() {
    return clientName;
  }

  @Override
  public SessionDescription offer() {
    return offer;
  }

  @Override
  public CompletableFuture<Void> accept(SessionDescription answer) {
    if (answer.type() != SessionDescription.Type.ANSWER) {
      throw new IllegalArgumentException("answer: " + answer + " (expected: an ANSWER)");
    }
    return decide("approve", Json.object().put("answer", answer.sdp()));
  }

  @Override
  public CompletableFuture<Void> reject(String reason) {
    String text = reason.isEmpty() ? "rejected by the host" : reason;
    if (text.length() > HttpFront.MAX_REASON_CHARS) {
      text = text.substring(0, HttpFront.MAX_REASON_CHARS);
    }
    return decide("reject", Json.object().put("reason", text.replaceAll("\\p{Cntrl}", " ")));
  }

  private CompletableFuture<Void> decide(String verb, com.fasterxml.jackson.databind.node.ObjectNode body) {
    return calls.call(verb + " join request " + joinId + " from " + Ids.quote(clientName), "POST",
        "v1/sessions/" + sessionId + "/joins/" + joinId + "/" + verb, hostSecret, body, ServerCalls.POLL_SLACK)
        .thenApply(reply -> null);
  }

  @Override
  public String toString() {
    return "JoinRequest[" + joinId + " from " + Ids.quote(clientName) + "]";
  }
}
