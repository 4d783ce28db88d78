package dev.p2ptunnel.webrtc;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The first message of a join, client to host: who asks, its complete offer, and its commitment to a nonce (see
 * {@link ShortAuthString}). A client without our pairing extension (the original app) sends no commitment: then
 * there is no code to compare. Immutable (the arrays are copied in and out).
 *
 * @param clientName shown to the host's person; follows {@link ClientName}'s rule
 * @param offer the client's complete offer (its fingerprint is the client's identity)
 * @param commitment {@link ShortAuthString#commitment} of the client's nonce, 32 bytes, or null
 */
public record JoinOffer(String clientName, SessionDescription offer, byte @Nullable [] commitment) {
  /** Validates and copies. */
  public JoinOffer {
    ClientName.check(clientName);
    Objects.requireNonNull(offer, "offer");
    if (offer.type() != SessionDescription.Type.OFFER) {
      throw new IllegalArgumentException("offer: " + offer + " (expected: an OFFER)");
    }
    if (commitment != null) {
      if (commitment.length != 32) {
        throw new IllegalArgumentException("commitment: " + commitment.length + " bytes (expected: 32)");
      }
      commitment = commitment.clone();
    }
  }

  @Override
  public byte @Nullable [] commitment() {
    return commitment == null ? null : commitment.clone();
  }

  /** Whether the client speaks the pairing extension (sent a commitment). */
  public boolean paired() {
    return commitment != null;
  }
}
