package dev.p2ptunnel.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The short authentication string (SAS): six digits both peers compute from the DTLS certificate fingerprints in
 * the offer and the answer. DTLS only accepts a peer whose certificate matches the fingerprint in the description it
 * received, so if the two people read out the same code, the descriptions were not swapped on the way and nobody —
 * signaling server or attacker — sits in the middle.
 *
 * <p>Derivation (version 1): {@code SHA-256("p2p-tunnel sas v1\n" + F(offer) + "\n" + F(answer))}, where
 * {@code F(sdp)} is the first {@code a=fingerprint:} value of the SDP with the algorithm lower-cased and the hex
 * upper-cased; the first four bytes, read as an unsigned big-endian integer, modulo 1 000 000, written as six digits
 * in two groups: {@code "042 517"}. Stateless and thread-safe.
 */
public final class ShortAuthString {
  private static final Pattern FINGERPRINT =
      Pattern.compile("^a=fingerprint:(\\S+) ([0-9A-Fa-f:]+)\\s*$", Pattern.MULTILINE);

  private ShortAuthString() {}

  /**
   * The code for this offer and answer.
   *
   * @throws IllegalArgumentException if either description carries no DTLS fingerprint
   */
  public static String of(SessionDescription offer, SessionDescription answer) {
    byte[] digest = sha256("p2p-tunnel sas v1\n" + fingerprint("offer", offer.sdp()) + "\n"
        + fingerprint("answer", answer.sdp()));
    long value = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
        | (digest[3] & 0xFFL);
    String digits = String.format(Locale.ROOT, "%06d", value % 1_000_000);
    return digits.substring(0, 3) + " " + digits.substring(3);
  }

  /** The normalised first fingerprint of an SDP: {@code "sha-256 AB:CD:…"}. */
  static String fingerprint(String which, String sdp) {
    Matcher m = FINGERPRINT.matcher(sdp);
    if (!m.find()) {
      throw new IllegalArgumentException(which + ": no a=fingerprint line (expected: a DTLS certificate"
          + " fingerprint in the SDP)");
    }
    return m.group(1).toLowerCase(Locale.ROOT) + " " + m.group(2).toUpperCase(Locale.ROOT);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
