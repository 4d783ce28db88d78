package dev.p2ptunnel.webrtc.signaling;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One client's join request and where it stands. Owned by the server's state thread.
 *
 * <pre>
 * PENDING ──challenge──▶ CHALLENGED ──reveal──▶ REVEALED ──approve──▶ APPROVED ──leave──▶ LEFT
 *    └──────────────────────approve (plain join)──────────────────────────▲
 * any undecided state ──reject──▶ REJECTED, ──withdraw──▶ WITHDRAWN, ──joinTtl──▶ EXPIRED
 * </pre>
 */
final class Join {
  enum State {
    PENDING, CHALLENGED, REVEALED, APPROVED, LEFT, REJECTED, WITHDRAWN, EXPIRED;

    /** Not decided yet: the host may still challenge, approve or reject, the client may withdraw. */
    boolean undecided() {
      return this == PENDING || this == CHALLENGED || this == REVEALED;
    }
  }

  final String id;
  final long seq;
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
  State state = State.PENDING;
  /** The answer once approved, the reason once rejected, withdrawn or left. */
  @Nullable String result;
  @Nullable String hostNonce;
  long endedNs;
  /** The client's parked polls. */
  final List<Waiter> waiters = new ArrayList<>(1);

  Join(String id, long seq, String clientName, String clientAddress, String offer, @Nullable String commitment,
      long createdNs) {
    this.id = id;
    this.seq = seq;
    this.clientName = clientName;
    this.clientAddress = clientAddress;
    this.offer = offer;
    this.commitment = commitment;
    this.createdNs = createdNs;
  }

  /** Characters held for this join, for the server's memory budget. */
  long storedChars() {
    return clientName.length() + length(offer) + length(result) + length(revealCertificate) + length(revealProof)
        + 256;
  }

  private static int length(@Nullable String s) {
    return s == null ? 0 : s.length();
  }

  /** Whether this join holds one of the session's client slots: only an approved client does. */
  boolean holdsSlot() {
    return state == State.APPROVED;
  }

  /** Whether it is over (kept only for its client to read the outcome). */
  boolean finished() {
    return !state.undecided() && state != State.APPROVED;
  }
}
