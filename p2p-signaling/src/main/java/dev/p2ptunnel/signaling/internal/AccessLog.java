package dev.p2ptunnel.signaling.internal;

import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * One line per request on the logger {@code dev.p2ptunnel.signaling.access} at INFO, as {@code key=value} pairs
 * (logfmt), e.g. {@code remote=203.0.113.9 method=POST route=join session=7KQ2-M9XA status=202 ms=1.4 in=812
 * out=96}. Capabilities never appear: no host secret, no join ID, and only the first two groups of a Session ID
 * (enough to follow one session through the log, not to join it). Thread-safe.
 */
final class AccessLog {
  static final System.Logger LOG = System.getLogger("dev.p2ptunnel.signaling.access");

  private AccessLog() {}

  static void log(String remote, String method, String route, @Nullable String session, int status,
      @Nullable String error, double ms, long in, long out) {
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    StringBuilder line = new StringBuilder(160).append("remote=").append(remote).append(" method=")
        .append(safe(method)).append(" route=").append(route);
    if (session != null) {
      line.append(" session=").append(session);
    }
    line.append(" status=").append(status);
    if (error != null) {
      line.append(" error=").append(error);
    }
    line.append(" ms=").append(String.format(java.util.Locale.ROOT, "%.1f", ms)).append(" in=").append(in)
        .append(" out=").append(out);
    LOG.log(Level.INFO, line.toString());
  }

  /** A method name as sent, made safe for one log line: at most 16 characters of letters. */
  private static String safe(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && i < 16; i++) {
      char c = text.charAt(i);
      out.append(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' ? c : '?');
    }
    return out.length() == 0 ? "-" : out.toString();
  }

  /**
   * The route of a path, without capabilities: {@code create}, {@code events}, {@code join}, {@code status},
   * {@code challenge}, …, {@code healthz}, {@code metrics}, or {@code other}.
   */
  static String route(String method, @Nullable String path) {
    if (path == null) {
      return "other";
    }
    if (path.equals("/healthz") || path.equals("/metrics")) {
      return path.substring(1);
    }
    String[] parts = path.startsWith("/v1/sessions") ? path.substring(1).split("/", -1) : new String[0];
    return switch (parts.length) {
      case 2 -> "create";
      case 3 -> "delete";
      case 4 -> parts[3].equals("events") ? "events" : "join";
      case 5 -> "status";
      case 6 -> switch (parts[5]) {
        case "challenge", "reveal", "approve", "reject", "withdraw", "leave", "restart", "restart-answer" -> parts[5];
        default -> "other";
      };
      default -> "other";
    };
  }

  /** The first two groups of the Session ID in {@code path} ({@code 7KQ2-M9XA}), or null. */
  static @Nullable String session(@Nullable String path) {
    if (path == null || !path.startsWith("/v1/sessions/")) {
      return null;
    }
    String rest = path.substring("/v1/sessions/".length());
    int slash = rest.indexOf('/');
    String id = dev.p2ptunnel.signaling.api.SessionIds.parse(slash < 0 ? rest : rest.substring(0, slash));
    return id == null ? null : id.substring(0, 4) + "-" + id.substring(4, 8);
  }
}
