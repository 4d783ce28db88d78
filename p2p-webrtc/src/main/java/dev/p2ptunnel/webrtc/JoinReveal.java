package dev.p2ptunnel.webrtc;

import org.jspecify.annotations.Nullable;

/**
 * The client's second message, after the challenge: the nonce it committed to, and optionally proof that it holds
 * the key of its offer's fingerprint (its certificate and a signature of
 * {@link ShortAuthString#proofTranscript}). The host auto-approves a trusted client only with a valid proof.
 * Immutable.
 *
 * @param clientNonce the 32 bytes the join's commitment was made to
 * @param certificate the client's DER certificate, or null
 * @param proof the signature, or null
 */
public record JoinReveal(byte[] clientNonce, byte @Nullable [] certificate, byte @Nullable [] proof) {
  /** Validates and copies. */
  public JoinReveal {
    if (clientNonce.length != ShortAuthString.NONCE_BYTES) {
      throw new IllegalArgumentException("clientNonce: " + clientNonce.length + " bytes (expected: 32)");
    }
    if ((certificate == null) != (proof == null)) {
      throw new IllegalArgumentException("certificate and proof: one is missing (expected: both or neither)");
    }
    clientNonce = clientNonce.clone();
    certificate = certificate == null ? null : certificate.clone();
    proof = proof == null ? null : proof.clone();
  }

  @Override
  public byte[] clientNonce() {
    return clientNonce.clone();
  }

  @Override
  public byte @Nullable [] certificate() {
    return certificate == null ? null : certificate.clone();
  }

  @Override
  public byte @Nullable [] proof() {
    return proof == null ? null : proof.clone();
  }
}
