package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;

/**
 * Signaling for two tunnel ends in one process: the client's offer goes straight to the host and the host's answer
 * straight back. For tests, demos and embedding both ends in one program; one exchange per instance. Thread-safe.
 */
public final class InMemorySignaling implements Signaling {
  private final CompletableFuture<SessionDescription> offer = new CompletableFuture<>();
  private final CompletableFuture<SessionDescription> answer = new CompletableFuture<>();

  /** A fresh, unused exchange. */
  public InMemorySignaling() {}

  @Override
  public CompletableFuture<SessionDescription> exchange(SessionDescription localOffer) {
    if (!offer.complete(localOffer)) {
      return CompletableFuture.failedFuture(new IllegalStateException("offer: already sent (one exchange per "
          + "InMemorySignaling)"));
    }
    return answer.copy();
  }

  @Override
  public CompletableFuture<SessionDescription> receiveOffer() {
    return offer.copy();
  }

  @Override
  public CompletableFuture<Void> sendAnswer(SessionDescription localAnswer) {
    if (!answer.complete(localAnswer)) {
      return CompletableFuture.failedFuture(new IllegalStateException("answer: already sent"));
    }
    return CompletableFuture.completedFuture(null);
  }
}
