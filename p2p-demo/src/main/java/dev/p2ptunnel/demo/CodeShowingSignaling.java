package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.Signaling;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Client signaling that derives the short authentication code once the host's answer is in, and hands it on to be
 * shown. Thread-safe if the delegate is. Interim, until {@code ClientTunnel.shortAuthString()} lands.
 */
final class CodeShowingSignaling implements Signaling {
  private final Signaling delegate;
  private final Consumer<String> onCode;

  CodeShowingSignaling(Signaling delegate, Consumer<String> onCode) {
    this.delegate = delegate;
    this.onCode = onCode;
  }

  @Override
  public CompletableFuture<SessionDescription> exchange(SessionDescription offer) {
    CompletableFuture<SessionDescription> answer = delegate.exchange(offer);
    CompletableFuture<SessionDescription> shown = answer.thenApply(description -> {
      onCode.accept(ShortAuthCode.of(offer, description));
      return description;
    });
    // Closing the tunnel cancels what it waits on: pass that on, so the delegate stops waiting too.
    shown.whenComplete((description, error) -> {
      if (shown.isCancelled()) {
        answer.cancel(true);
      }
    });
    return shown;
  }
}
