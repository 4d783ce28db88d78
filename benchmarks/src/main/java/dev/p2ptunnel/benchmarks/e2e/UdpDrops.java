package dev.p2ptunnel.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * UDP datagrams a lab namespace's kernel dropped because a socket's receive buffer was full ({@code RcvbufErrors} of
 * {@code /proc/net/snmp}, counted per namespace): libwebrtc's UDP socket keeps the default receive buffer, and every
 * drop is a loss that SCTP must repair (docs/PERFORMANCE.md, "Latency under load, fourth pass"). Stateless.
 */
final class UdpDrops {
  private static final String COUNTER = "RcvbufErrors";

  private UdpDrops() {}

  /** The namespace's count now, read by {@code cat /proc/net/snmp} inside it (log {@code dir/name.log}). */
  static long read(String ns, String name, Path dir, long timeoutMs) throws IOException, InterruptedException {
    try (LabProcess cat = LabProcess.start(ns, name, dir, List.of("cat", "/proc/net/snmp"))) {
      int exit = cat.waitFor(timeoutMs);
      if (exit != 0) {
        throw new IOException("cat /proc/net/snmp in " + ns + " exited with " + exit);
      }
      return rcvbufErrors(cat.output());
    }
  }

  /**
   * {@code RcvbufErrors} from the text of {@code /proc/net/snmp}: its {@code Udp:} header line names the columns, the
   * next {@code Udp:} line holds the values.
   *
   * @throws IllegalArgumentException naming what is missing if the text has no such pair of lines or column
   */
  static long rcvbufErrors(String snmp) {
    String[] lines = snmp.split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("Udp: ") && lines[i + 1].startsWith("Udp: ")) {
        List<String> names = List.of(lines[i].trim().split("\\s+"));
        String[] values = lines[i + 1].trim().split("\\s+");
        int column = names.indexOf(COUNTER);
        if (column < 0 || column >= values.length) {
          throw new IllegalArgumentException("/proc/net/snmp: no " + COUNTER + " value in the Udp lines (columns: "
              + names + ")");
        }
        try {
          return Long.parseLong(values[column]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("/proc/net/snmp: " + COUNTER + " '" + values[column]
              + "' is not a number", e);
        }
      }
    }
    throw new IllegalArgumentException("/proc/net/snmp: no Udp header and value lines (expected 'Udp: InDatagrams …' "
        + "followed by its values)");
  }
}
