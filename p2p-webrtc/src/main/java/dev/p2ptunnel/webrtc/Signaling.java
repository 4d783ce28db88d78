package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;

/**
 * The client's side of signaling: delivers its complete offer to the host and brings back the host's answer. A
 * signaling server, a pasted {@link OfflineToken}, or {@link InMemorySignaling}. The host's side is
 * {@link HostSignaling}. Implementations say whether they are thread-safe.
 */
@FunctionalInterface
public interface Signaling {
  /**
   * Delivers the offer and completes with the host's answer; completes exceptionally with
   * {@link JoinRejectedException} when the host refuses this client, or another exception when the exchange fails.
   */
  CompletableFuture<SessionDescription> exchange(SessionDescription offer);
}
