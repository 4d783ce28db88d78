package dev.p2ptunnel.webrtc.internal;

import org.jspecify.annotations.Nullable;

/** The loud message for fingerprints the two peers saw differently. Stateless. */
final class Mismatch {
  private Mismatch() {}

  /**
   * @param peer who reported the other view ("host" or "client")
   */
  static String describe(String peer, String ourClientFp, String ourHostFp, @Nullable String theirClientFp,
      @Nullable String theirHostFp) {
    return "fingerprint mismatch: the " + peer + " saw client " + theirClientFp + " and host " + theirHostFp
        + ", this side saw client " + ourClientFp + " and host " + ourHostFp + ": the descriptions were substituted"
        + " on the way (a man in the middle); nothing of the service was sent";
  }
}
