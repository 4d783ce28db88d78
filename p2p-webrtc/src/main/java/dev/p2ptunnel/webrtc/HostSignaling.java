package dev.p2ptunnel.webrtc;

import java.util.concurrent.CompletableFuture;

/**
 * The host's side of signaling: clients' join requests arrive one by one, each carrying a {@link JoinOffer}, and
 * each is challenged, answered or refused (see {@link JoinRequest}). Implementations are thread-safe.
 */
public interface HostSignaling extends AutoCloseable {
  /**
   * Completes with the next join request; completes exceptionally when signaling ends (closed, expired, server
   * gone). Cancelling the returned future stops waiting.
   */
  CompletableFuture<JoinRequest> nextJoin();

  /** Stops taking join requests and releases what signaling holds (e.g. deletes the session on a server). */
  @Override
  void close();
}
