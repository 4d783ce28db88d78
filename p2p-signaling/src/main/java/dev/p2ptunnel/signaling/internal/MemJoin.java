package dev.p2ptunnel.signaling.internal;

import dev.p2ptunnel.signaling.api.JoinStatus;
import org.jspecify.annotations.Nullable;

/** One client's join request in memory and where it stands. Owned by the {@link MemoryStore}'s state thread. */
final class MemJoin {
  final String id;
  final String clientName;
  final String clientAddress;
  final long createdNs;
  /** Dropped (null) once decided: only the host needs it. */
  @Nullable String offer;
  final @Nullable String commitment;
  @Nullable String challengeFingerprint;
  @Nullable String challengeNonce;
  @Nullable String revealNonce;
  @Nullable String revealCertificate;
  @Nullable String revealProof;
  JoinStatus state = JoinStatus.PENDING;
  /** The answer once approved, the reason once rejected, withdrawn or left. */
  @Nullable String result;
  @Nullable String hostNonce;
  long endedNs;
  /** ICE restarts of the approved join: the latest restart's number (0: none yet) and its offer until answered. */
  long restart;
  @Nullable String restartOffer;
  /** The number of the restart answered last, and that answer (kept for the client to read). */
  long restartAnswered;
  @Nullable String restartAnswer;

  MemJoin(String id, String clientName, String clientAddress, String offer, @Nullable String commitment,
      long createdNs) {
    this.id = id;
    this.clientName = clientName;
    this.clientAddress = clientAddress;
    this.offer = offer;
    this.commitment = commitment;
    this.createdNs = createdNs;
  }

  /** Characters held for this join, for the server's memory budget. */
  long storedChars() {
    return clientName.length() + length(offer) + length(result) + length(revealCertificate) + length(revealProof)
        + length(restartOffer) + length(restartAnswer) + 256;
  }

  private static int length(@Nullable String s) {
    return s == null ? 0 : s.length();
  }

  /** Whether this join holds one of the session's client slots: only an approved client does. */
  boolean holdsSlot() {
    return state == JoinStatus.APPROVED;
  }

  Views.Join view() {
    return new Views.Join(id, state, challengeFingerprint, challengeNonce, result, hostNonce, restart,
        restartAnswered, restartAnswer);
  }
}
