package dev.p2ptunnel.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The short authentication code (SAS) both people compare before a client may join: six digits derived, with a
 * hash commitment in the style of ZRTP (RFC 6189 §4.4.1.1), from both DTLS certificate fingerprints and a random
 * nonce of each side. The client commits to its nonce ({@link #commitment}) in its join request before it sees the
 * host's nonce; the host sends its nonce and fingerprint; only then does the client reveal its nonce. Whoever relays
 * the descriptions must fix the certificates it substitutes before it learns the client's nonce, so it cannot search
 * for certificates that make both codes equal: two codes of a relayed join match by chance only, with probability
 * about 10^-6. docs/SIGNALING.md describes the exchange.
 *
 * <p>Derivation (version 2): {@code SHA-256("p2p-tunnel sas v2\n" + Fc + "\n" + Fh + "\n" + B(Nc) + "\n" +
 * B(Nh))}, where {@code Fc}, {@code Fh} are the client's and the host's fingerprints as {@link #fingerprint}
 * normalises them and {@code B} is base64url without padding of the 32-byte nonces; the first four bytes as an
 * unsigned big-endian integer, modulo 1 000 000, as six digits in two groups: {@code "042 517"}. Commitment:
 * {@code SHA-256("p2p-tunnel commit v2\n" + B(Nc))}. Stateless and thread-safe.
 */
public final class ShortAuthString {
  /** Length of each side's nonce. */
  public static final int NONCE_BYTES = 32;
  private static final Pattern FINGERPRINT =
      Pattern.compile("^a=fingerprint:(\\S+) ([0-9A-Fa-f:]+)\\s*$", Pattern.MULTILINE);
  private static final SecureRandom RANDOM = new SecureRandom();

  private ShortAuthString() {}

  /** A fresh random nonce. */
  public static byte[] newNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** The client's commitment to {@code clientNonce}, sent before it may see the host's nonce. */
  public static byte[] commitment(byte[] clientNonce) {
    return sha256("p2p-tunnel commit v2\n" + b64(requireNonce("clientNonce", clientNonce)));
  }

  /** Whether {@code nonce} is the one {@code commitment} was made to (compared in constant time). */
  public static boolean opens(byte[] commitment, byte[] nonce) {
    return nonce.length == NONCE_BYTES && MessageDigest.isEqual(commitment, commitment(nonce));
  }

  /**
   * The code for one join.
   *
   * @param clientFingerprint the client's DTLS fingerprint ({@link #fingerprint} of its offer)
   * @param hostFingerprint the host's DTLS fingerprint
   */
  public static String of(String clientFingerprint, String hostFingerprint, byte[] clientNonce, byte[] hostNonce) {
    byte[] digest = sha256("p2p-tunnel sas v2\n" + normalise(clientFingerprint) + "\n" + normalise(hostFingerprint)
        + "\n" + b64(requireNonce("clientNonce", clientNonce)) + "\n" + b64(requireNonce("hostNonce", hostNonce)));
    long value = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
        | (digest[3] & 0xFFL);
    // Not String.format: its first use in a JVM costs 40-150 ms of CPU (Formatter, its regex), on both sides' join
    // path (docs/PERFORMANCE.md, "Start, seventh session"). 1 000 000 + n has seven digits; the last six are n's.
    String digits = Long.toString(value % 1_000_000 + 1_000_000).substring(1);
    return digits.substring(0, 3) + " " + digits.substring(3);
  }

  /**
   * What a client signs with its identity key to prove, before the host reveals its addresses, that it holds the key
   * of the fingerprint in its offer: both fingerprints and both nonces.
   */
  public static byte[] proofTranscript(String clientFingerprint, String hostFingerprint, byte[] clientNonce,
      byte[] hostNonce) {
    return ("p2p-tunnel join proof v2\n" + normalise(clientFingerprint) + "\n" + normalise(hostFingerprint) + "\n"
        + b64(clientNonce) + "\n" + b64(hostNonce)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The normalised first DTLS fingerprint of a description: {@code "sha-256 AB:CD:…"}.
   *
   * @throws IllegalArgumentException if it carries none
   */
  public static String fingerprint(SessionDescription description) {
    Matcher m = FINGERPRINT.matcher(description.sdp());
    if (!m.find()) {
      throw new IllegalArgumentException(description.type().name().toLowerCase(Locale.ROOT)
          + ": no a=fingerprint line (expected: a DTLS certificate fingerprint in the SDP)");
    }
    return m.group(1).toLowerCase(Locale.ROOT) + " " + m.group(2).toUpperCase(Locale.ROOT);
  }

  /** {@code "sha-256 ab:…"} in the form {@link #fingerprint} returns. */
  public static String normalise(String fingerprint) {
    int space = fingerprint.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("fingerprint: \"" + fingerprint + "\" (expected: \"sha-256 AB:CD:…\")");
    }
    return fingerprint.substring(0, space).toLowerCase(Locale.ROOT) + " "
        + fingerprint.substring(space + 1).strip().toUpperCase(Locale.ROOT);
  }

  private static byte[] requireNonce(String name, byte[] nonce) {
    if (nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException(name + ": " + nonce.length + " bytes (expected: " + NONCE_BYTES + ")");
    }
    return nonce;
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
