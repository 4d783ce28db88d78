package dev.p2ptunnel.webrtc;

import org.jspecify.annotations.Nullable;

/**
 * The client's side of signaling: carries one join exchange to a host. A signaling server, pasted
 * {@link OfflineToken}s, or {@link InMemorySignaling}; every transport carries the same messages ({@link JoinOffer},
 * {@link JoinChallenge}, {@link JoinReveal}, {@link JoinAnswer}, a refusal, a withdrawal), and docs/SIGNALING.md
 * says in which order. The host's side is {@link HostSignaling}. Implementations say whether they are thread-safe.
 */
@FunctionalInterface
public interface Signaling {
  /** Sends {@code offer} to the host and returns this join's exchange; does not block. */
  ClientJoin join(JoinOffer offer);

  /**
   * A name for the host this signaling reaches, under which the client remembers the host's identity (like SSH's
   * {@code known_hosts}), or null when there is none (offline tokens).
   */
  default @Nullable String hostKey() {
    return null;
  }

  /**
   * Whether a join needs no person to carry it (a signaling server, in memory), so that a client whose connection
   * cannot be saved rejoins by itself, with backoff, until it is back; false for offline tokens, where each join is
   * one token exchange a person makes: the client then starts one join and waits for it.
   */
  default boolean unattended() {
    return true;
  }
}
