package dev.p2ptunnel.rendezvous;

import dev.p2ptunnel.rendezvous.internal.IdAlphabet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session IDs of rendezvous: {@value #BITS} random bits as {@value #CHARS} characters of Crockford's base32 alphabet
 * ({@code 0-9 A-Z} without {@code I L O U}) in four groups of four, e.g. {@code 7KQ2-M9XA-R3TB-0C5D}: short enough to
 * read out on a call, and (with the key stretching of the key schedule) long enough that a broker which records the
 * traffic cannot guess it (docs/SIGNALING.md, "Rendezvous": entropy and the bound on offline guessing). Parsing
 * ignores case, dashes and spaces and reads {@code O} as {@code 0} and {@code I}/{@code L} as {@code 1}. Stateless and
 * thread-safe.
 */
public final class RendezvousId {
  /** Characters of a Session ID (without dashes). */
  public static final int CHARS = 16;
  /** Bits of a Session ID: 5 per character. */
  public static final int BITS = CHARS * 5;
  /** The rule in words, as error messages state it. */
  public static final String RULE = CHARS + " characters of 0-9 and A-Z without I, L, O, U; dashes optional";
  /** Characters of a Session ID of the HTTP signaling server, which a person may paste here by mistake. */
  static final int SERVER_ID_CHARS = 28;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RendezvousId() {}

  /** A new random Session ID, {@code XXXX-XXXX-XXXX-XXXX}. */
  public static String random() {
    StringBuilder id = new StringBuilder(CHARS);
    for (int i = 0; i < CHARS; i++) {
      id.append(IdAlphabet.ALPHABET.charAt(RANDOM.nextInt(IdAlphabet.ALPHABET.length())));
    }
    return display(id.toString());
  }

  /**
   * The Session ID a claim stands for ({@link dev.p2ptunnel.webrtc.Identity#sessionClaim}): the first 80 bits of
   * {@code SHA-256("p2p-tunnel rendezvous id v1\n" + base64url(claim))}. The same installation and name always give
   * the same Session ID, so a friend's saved command keeps working after a restart; the claim is one-way from the ID.
   */
  public static String fromClaim(byte[] claim) {
    if (claim.length < 16) {
      throw new IllegalArgumentException("claim: " + claim.length + " bytes (expected: at least 16)");
    }
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(("p2p-tunnel rendezvous id v1\n"
          + Base64.getUrlEncoder().withoutPadding().encodeToString(claim)).getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    StringBuilder id = new StringBuilder(CHARS);
    for (int i = 0; i < CHARS; i++) {
      int bit = i * 5;
      int value = ((digest[bit / 8] & 0xFF) << 8 | (digest[bit / 8 + 1] & 0xFF)) >>> (11 - bit % 8) & 0x1F;
      id.append(IdAlphabet.ALPHABET.charAt(value));
    }
    return display(id.toString());
  }

  /**
   * The Session ID in display form ({@code XXXX-XXXX-XXXX-XXXX}) from what a person typed or pasted.
   *
   * @throws IllegalArgumentException naming the input (at most 40 characters of it) and the rule; a 28-character
   *     ID of a signaling server is named as such
   */
  public static String parse(String text) {
    StringBuilder id = new StringBuilder(CHARS);
    boolean valid = true;
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
      if (IdAlphabet.ALPHABET.indexOf(c) < 0) {
        valid = false;
      }
      id.append(c);
    }
    if (valid && id.length() == CHARS) {
      return display(id.toString());
    }
    if (valid && id.length() == SERVER_ID_CHARS) {
      throw new IllegalArgumentException("sessionId: " + quote(text) + " has " + SERVER_ID_CHARS + " characters, "
          + "like a Session ID of a signaling server (use it with that server: HttpSignaling, or p2p-tunnel's "
          + "--signal URL); a rendezvous Session ID has " + CHARS);
    }
    throw new IllegalArgumentException("sessionId: " + quote(text) + " is not a Session ID (expected: " + RULE + ")");
  }

  /** The 16 characters without dashes, as the key schedule reads them. */
  static String canonical(String display) {
    return display.replace("-", "");
  }

  private static String display(String canonical) {
    StringBuilder out = new StringBuilder(CHARS + 3);
    for (int i = 0; i < canonical.length(); i++) {
      if (i > 0 && i % 4 == 0) {
        out.append('-');
      }
      out.append(canonical.charAt(i));
    }
    return out.toString();
  }

  /** Peer or user input quoted in an error message: at most 40 characters, printable ASCII only. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length() && i < 40; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.append(text.length() > 40 ? "…\"" : "\"").toString();
  }
}
