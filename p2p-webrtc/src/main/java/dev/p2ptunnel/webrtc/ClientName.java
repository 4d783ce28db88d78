package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.signaling.api.WireLimits;
import org.jspecify.annotations.Nullable;

/**
 * The rule for the name a client gives when it joins, which the host's person reads before deciding: 1 to 64
 * characters of printable text, with no control, format (bidi overrides and isolates, zero-width characters),
 * private-use, unassigned or surrogate code points, and no line or paragraph separators, so that a name cannot
 * pretend to be another or rewrite the prompt around it. Stateless and thread-safe.
 */
public final class ClientName {
  /** The longest name, in UTF-16 characters. */
  public static final int MAX_CHARS = WireLimits.MAX_CLIENT_NAME_CHARS;
  /** The rule in words, as error messages state it. */
  public static final String RULE = WireLimits.CLIENT_NAME_RULE;

  private ClientName() {}

  /**
   * What is wrong with {@code name} ({@code "U+202E RIGHT-TO-LEFT OVERRIDE at index 3"}, {@code "empty"}, …), or null
   * if it follows the rule.
   */
  public static @Nullable String problem(String name) {
    return WireLimits.clientNameProblem(name); // one rule for clients and the server
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
