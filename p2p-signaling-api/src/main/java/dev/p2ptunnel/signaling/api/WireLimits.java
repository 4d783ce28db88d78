package dev.p2ptunnel.signaling.api;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The limits of the fields of join-exchange bodies (docs/SIGNALING.md), which clients keep when they send and the
 * server checks when it reads, and the rule for client names. Stateless and thread-safe.
 */
public final class WireLimits {
  /** Longest {@code reason} of a reject, withdraw or leave, in characters. */
  public static final int MAX_REASON_CHARS = 500;
  /** Bytes of {@code commitment}, {@code nonce} and {@code hostNonce} (base64url without padding). */
  public static final int NONCE_BYTES = 32;
  /** Bytes of a {@code claim} (base64url without padding). */
  public static final int CLAIM_BYTES = 32;
  /** Largest {@code certificate} of a reveal, in bytes. */
  public static final int MAX_CERTIFICATE_BYTES = 4096;
  /** Largest {@code proof} of a reveal, in bytes. */
  public static final int MAX_PROOF_BYTES = 512;
  /** Longest challenge {@code fingerprint}, in characters. */
  public static final int MAX_FINGERPRINT_CHARS = 160;
  /** Longest client name, in UTF-16 characters. */
  public static final int MAX_CLIENT_NAME_CHARS = 64;
  /** The client-name rule in words, as error messages state it. */
  public static final String CLIENT_NAME_RULE = "1.." + MAX_CLIENT_NAME_CHARS + " characters of printable text "
      + "without control, format or bidi characters";

  private WireLimits() {}

  /**
   * What is wrong with a client name ({@code "U+202E RIGHT-TO-LEFT OVERRIDE at index 3"}, {@code "empty"}, …), or
   * null if it follows the rule: 1 to 64 characters of printable text, with no control, format (bidi overrides and
   * isolates, zero-width characters), private-use, unassigned or surrogate code points, and no line or paragraph
   * separators, so that a name cannot pretend to be another or rewrite the host's prompt around it.
   */
  public static @Nullable String clientNameProblem(String name) {
    if (name.isEmpty()) {
      return "empty";
    }
    if (name.length() > MAX_CLIENT_NAME_CHARS) {
      return name.length() + " characters";
    }
    if (name.isBlank()) {
      return "only white space";
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      int type = Character.getType(cp);
      boolean bad = type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
          || type == Character.UNASSIGNED || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR;
      if (bad) {
        String label = Character.getName(cp);
        return String.format(Locale.ROOT, "U+%04X%s at index %d", cp, label == null ? "" : " " + label, i);
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** {@code text} cut to {@link #MAX_REASON_CHARS} with control characters made spaces: a reason the server takes. */
  public static String reason(String text, String fallback) {
    String value = text.isBlank() ? fallback : text;
    if (value.length() > MAX_REASON_CHARS) {
      value = value.substring(0, MAX_REASON_CHARS);
    }
    return value.replaceAll("\\p{Cntrl}", " ");
  }
}
