package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;

/**
 * Carries the offer and the answer between the two peers: a signaling server, a chat, a pasted
 * {@link OfflineToken}. Implementations say whether they are thread-safe; a session calls them from the thread
 * that set it up.
 */
public interface Signaling {
  /** Offerer: delivers the complete offer and completes with the peer's answer. */
  CompletableFuture<SessionDescription> exchange(SessionDescription offer);

  /** Answerer: completes with the peer's offer. */
  CompletableFuture<SessionDescription> receiveOffer();

  /** Answerer: delivers the complete answer. */
  CompletableFuture<Void> sendAnswer(SessionDescription answer);
}
