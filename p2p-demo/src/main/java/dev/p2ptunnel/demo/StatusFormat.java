package dev.p2ptunnel.demo;

import java.util.Locale;
import java.util.Map;

/** Human-readable status text: byte counts in SI units (1 kB = 1000 B), one line per sample. Stateless. */
final class StatusFormat {
  private StatusFormat() {}

  /**
   * e.g. {@code "OPEN direct | up 1.2 MB/s down 35.0 kB/s | sent 12.0 MB received 1.0 MB | 2 sockets (7 total)"}, or
   * {@code "reconnecting (12 s) | …"} while the connection is lost,
   * prefixed on a host by {@code "1/4 clients | "}, with {@code " | signaling unreachable (3 min)"} after the state
   * while a host's signaling server is unreachable, and followed by {@code " | errors: KIND=n"} when there are any.
   */
  static String line(StatusSnapshot s) {
    StringBuilder line = new StringBuilder();
    if (s.role().equals("host")) {
      line.append(s.clients()).append('/').append(s.maxClients()).append(" clients | ");
    }
    Long reconnecting = s.reconnectingSeconds();
    if (s.state().equals("RECONNECTING") && reconnecting != null) {
      line.append("reconnecting (").append(reconnecting).append(" s)");
    } else {
      line.append(s.state());
      if (s.path() != null) {
        line.append(' ').append(s.path());
      }
    }
    Long unreachable = s.signalingUnreachableSeconds();
    if (unreachable != null) {
      line.append(" | signaling unreachable (").append(unreachable < 60 ? unreachable + " s" : unreachable / 60 + " min")
          .append(')');
    }
    line.append(" | up ").append(rate(s.bytesUpPerSecond()))
        .append(" down ").append(rate(s.bytesDownPerSecond()))
        .append(" | sent ").append(bytes(s.bytesUp()))
        .append(" received ").append(bytes(s.bytesDown()))
        .append(" | ").append(s.openSockets()).append(s.openSockets() == 1 ? " socket" : " sockets")
        .append(" (").append(s.totalSockets()).append(" total)");
    if (s.openFlows() > 0) {
      line.append(", ").append(s.openFlows()).append(s.openFlows() == 1 ? " UDP flow" : " UDP flows");
    }
    if (!s.errors().isEmpty()) {
      line.append(" | errors:");
      s.errors().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> line.append(' ').append(e.getKey()).append('=').append(e.getValue()));
    }
    return line.toString();
  }

  /** {@code "999 B"}, {@code "1.0 kB"}, {@code "12.3 MB"}, {@code "4.0 GB"}, {@code "1.5 TB"}. */
  static String bytes(long count) {
    if (count < 1000) {
      return count + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double value = count;
    int unit = -1;
    while (value >= 999.95 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** {@link #bytes} per second. */
  static String rate(long bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }
}
