package dev.p2ptunnel.signaling.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Session IDs, host secrets and join IDs as they travel.
 *
 * <p>A Session ID is 140 random bits written as 28 Crockford base32 characters ({@code 0-9 A-Z} without
 * {@code I L O U}) in seven dash-separated groups of four, e.g. {@code 7KQ2-M9XA-R3TB-0C5D-HJ8W-ZP4E-6NYF}: short to
 * read aloud, with no letters that look alike. Parsing ignores case, dashes and spaces, and reads {@code O} as
 * {@code 0} and {@code I}/{@code L} as {@code 1}, as Crockford's alphabet prescribes. Host secrets (256 bits) and
 * join IDs (128 bits) are only ever copied by programs, so they are base64url without padding. Stateless and
 * thread-safe.
 */
public final class SessionIds {
  /** The 32 characters of a Session ID. */
  public static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  /** Characters of a Session ID without dashes. */
  public static final int SESSION_ID_CHARS = 28;
  /** Bytes of a host secret (43 base64url characters). */
  public static final int HOST_SECRET_BYTES = 32;
  /** Bytes of a join ID (22 base64url characters). */
  public static final int JOIN_ID_BYTES = 16;
  /** What a Session ID looks like, as error messages state it. */
  public static final String SHAPE = SESSION_ID_CHARS + " characters of 0-9 and A-Z without I, L, O, U; dashes "
      + "optional";

  private static final int GROUP = 4;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {}

  /** A new random Session ID in canonical form (28 characters, no dashes). */
  public static String newSessionId() {
    StringBuilder id = new StringBuilder(SESSION_ID_CHARS);
    for (int i = 0; i < SESSION_ID_CHARS; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }

  /** A new host secret: 256 random bits, base64url without padding. */
  public static String newHostSecret() {
    return token(HOST_SECRET_BYTES);
  }

  /** A new join ID: 128 random bits, base64url without padding. */
  public static String newJoinId() {
    return token(JOIN_ID_BYTES);
  }

  private static String token(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * The Session ID a claim stands for: the first 140 bits of {@code SHA-256("p2p-tunnel session id v1\n" + claim)}
   * in the Session ID alphabet, canonical form. One-way, so knowing a Session ID does not let anyone claim it.
   */
  public static String fromClaim(String claim) {
    byte[] digest = sha256("p2p-tunnel session id v1\n" + claim);
    StringBuilder id = new StringBuilder(SESSION_ID_CHARS);
    for (int i = 0; i < SESSION_ID_CHARS; i++) {
      int bit = i * 5;
      int value = ((digest[bit / 8] & 0xFF) << 8 | (digest[bit / 8 + 1] & 0xFF)) >>> (11 - bit % 8) & 0x1F;
      id.append(ALPHABET.charAt(value));
    }
    return id.toString();
  }

  /** SHA-256 of the UTF-8 bytes of {@code text}. */
  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The canonical form in groups of four: {@code 7KQ2-M9XA-…}. */
  public static String display(String canonical) {
    StringBuilder out = new StringBuilder(canonical.length() + canonical.length() / GROUP);
    for (int i = 0; i < canonical.length(); i++) {
      if (i > 0 && i % GROUP == 0) {
        out.append('-');
      }
      out.append(canonical.charAt(i));
    }
    return out.toString();
  }

  /** The canonical form of a typed or pasted Session ID, or null if it is not one. */
  public static @Nullable String parse(String text) {
    StringBuilder id = new StringBuilder(SESSION_ID_CHARS);
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toUpperCase(text.charAt(i));
      if (c == '-' || c == ' ') {
        continue;
      }
      c = switch (c) {
        case 'O' -> '0';
        case 'I', 'L' -> '1';
        default -> c;
      };
      if (ALPHABET.indexOf(c) < 0 || id.length() == SESSION_ID_CHARS) {
        return null;
      }
      id.append(c);
    }
    return id.length() == SESSION_ID_CHARS ? id.toString() : null;
  }

  /** Whether {@code text} has the shape of a join ID (so that it can be echoed in messages). */
  public static boolean isJoinId(String text) {
    return text.length() == 22 && text.chars().allMatch(c -> c == '-' || c == '_'
        || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  }

  /** Peer input quoted in an error message: at most 40 characters, printable ASCII only. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length() && i < 40; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.append(text.length() > 40 ? "…\"" : "\"").toString();
  }
}
