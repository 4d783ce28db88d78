package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;

/** One client asking to join a host, as {@link HostSignaling} delivers it. Thread-safe; answered once. */
public interface JoinRequest {
  /** The name the client gave: for showing to the person who approves; not authenticated. */
  String clientName();

  /** The client's complete offer. */
  SessionDescription offer();

  /** Approves: delivers the host's answer to the client. */
  CompletableFuture<Void> accept(SessionDescription answer);

  /** Refuses: the client's {@link Signaling#exchange} fails with a {@link JoinRejectedException} saying {@code reason}. */
  CompletableFuture<Void> reject(String reason);
}
