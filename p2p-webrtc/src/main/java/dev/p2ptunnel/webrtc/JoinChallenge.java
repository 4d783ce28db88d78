package dev.p2ptunnel.webrtc;

import java.util.Objects;

/**
 * The host's first reply to a paired join, before anyone decides: what the client needs to compute the code and
 * nothing more (no ICE candidates, so no address of the host). Immutable.
 *
 * @param hostFingerprint the host's DTLS fingerprint ({@code sha-256 AB:…}); its final answer must carry the same
 * @param hostNonce the host's 32-byte nonce
 */
public record JoinChallenge(String hostFingerprint, byte[] hostNonce) implements HostReply {
  /** Validates and copies. */
  public JoinChallenge {
    hostFingerprint = ShortAuthString.normalise(Objects.requireNonNull(hostFingerprint, "hostFingerprint"));
    if (hostNonce.length != ShortAuthString.NONCE_BYTES) {
      throw new IllegalArgumentException("hostNonce: " + hostNonce.length + " bytes (expected: 32)");
    }
    hostNonce = hostNonce.clone();
  }

  @Override
  public byte[] hostNonce() {
    return hostNonce.clone();
  }
}
