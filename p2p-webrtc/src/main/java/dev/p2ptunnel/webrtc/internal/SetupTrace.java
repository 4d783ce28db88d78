package dev.p2ptunnel.webrtc.internal;

import java.lang.System.Logger.Level;

/**
 * The timing points of a tunnel's setup, all in one place (issue 15, docs/PERFORMANCE.md "Start, step by step"): on
 * both sides each step from the join to the first message after pairing is one DEBUG line on the logger
 * {@value #LOGGER}, {@code WHO: STEP}, where WHO is the session ({@code p2pt-webrtc-N}), the join or the signaling
 * call. The log's own time stamp says when (the demo's {@code --verbose} prints the time of day in ms, which host and
 * client on one machine share), so the lines of two JVMs can be merged and the gaps read off.
 *
 * <p>Cheap when off: one {@code isLoggable} check per step and nothing built; no step is on a per-message path (the
 * channel's first messages are counted with a plain field of their callback thread). Thread-safe: any thread.
 */
public final class SetupTrace {
  /** The logger's name: {@code -Djava.util.logging…} or the app's logging set it to DEBUG (FINE) to see the steps. */
  public static final String LOGGER = "dev.p2ptunnel.webrtc.setup";
  private static final System.Logger LOG = System.getLogger(LOGGER);

  private SetupTrace() {}

  /** Whether steps are logged now. */
  public static boolean enabled() {
    try {
      return LOG.isLoggable(Level.DEBUG);
    } catch (Throwable ignored) {
      return false;
    }
  }

  /** {@code who: step}. Never throws (libwebrtc's callbacks call it). */
  public static void step(String who, String step) {
    if (enabled()) {
      log(who + ": " + step);
    }
  }

  /** {@code who: step detail}; {@code detail} is turned into text only when the step is logged. Never throws. */
  public static void step(String who, String step, Object detail) {
    if (enabled()) {
      log(who + ": " + step + " " + detail);
    }
  }

  /** A signaling call's reply: {@code what: HTTP status after N ms}, from {@code startNs} ({@link System#nanoTime}). */
  public static void reply(String what, int status, long startNs) {
    if (enabled()) {
      log(what + ": HTTP " + status + " after " + (System.nanoTime() - startNs) / 1_000_000 + " ms");
    }
  }

  /** A gathered candidate: its type and protocol ({@code candidate host udp}), from its SDP line. Never throws. */
  static void candidate(String who, String sdp) {
    if (enabled()) {
      String type;
      try {
        type = describe(sdp);
      } catch (RuntimeException e) {
        type = "(unreadable: " + e + ")";
      }
      log(who + ": candidate " + type);
    }
  }

  private static void log(String line) {
    try {
      LOG.log(Level.DEBUG, line);
    } catch (Throwable ignored) {
      // a broken log handler must not fail a setup step (nor escape into native code)
    }
  }

  /** {@code srflx udp} for {@code candidate:1 1 udp 1686052607 203.0.113.5 4242 typ srflx …}. */
  static String describe(String sdp) {
    String[] fields = sdp.trim().split(" ");
    String protocol = fields.length > 2 ? fields[2].toLowerCase(java.util.Locale.ROOT) : "?";
    for (int i = 0; i + 1 < fields.length; i++) {
      if (fields[i].equals("typ")) {
        return fields[i + 1] + " " + protocol;
      }
    }
    return "? " + protocol;
  }

  /** The number of {@code a=candidate:} lines of a description. */
  static int candidates(String sdp) {
    int n = 0;
    for (int at = sdp.indexOf("a=candidate:"); at >= 0; at = sdp.indexOf("a=candidate:", at + 1)) {
      n++;
    }
    return n;
  }
}
