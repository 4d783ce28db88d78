package dev.p2ptunnel.webrtc;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The rule for the name a client gives when it joins, which the host's person reads before deciding: 1 to 64
 * characters of printable text, with no control, format (bidi overrides and isolates, zero-width characters),
 * private-use, unassigned or surrogate code points, and no line or paragraph separators, so that a name cannot
 * pretend to be another or rewrite the prompt around it. Stateless and thread-safe.
 */
public final class ClientName {
  /** The longest name, in UTF-16 characters. */
  public static final int MAX_CHARS = 64;
  /** The rule in words, as error messages state it. */
  public static final String RULE = "1.." + MAX_CHARS + " characters of printable text without control, format or "
      + "bidi characters";

  private ClientName() {}

  /**
   * What is wrong with {@code name} ({@code "U+202E RIGHT-TO-LEFT OVERRIDE at index 3"}, {@code "empty"}, …), or null
   * if it follows the rule.
   */
  public static @Nullable String problem(String name) {
    if (name.isEmpty()) {
      return "empty";
    }
    if (name.length() > MAX_CHARS) {
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

  /**
   * Returns {@code name} if it follows the rule.
   *
   * @throws IllegalArgumentException naming what is wrong and the rule
   */
  public static String check(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("clientName: " + problem + " (expected: " + RULE + ")");
    }
    return name;
  }
}
