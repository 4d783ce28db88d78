package dev.p2ptunnel.demo.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Measurements of the lab tests (setup times, throughputs, paths, detection times), one line each, printed and
 * appended to {@code target/lab-results.txt}. Reported, never asserted beyond sanity bounds. Thread-safe.
 */
final class LabResults {
  static final Path FILE = Path.of("target", "lab-results.txt");

  private LabResults() {}

  static synchronized void record(String variant, String what) throws IOException {
    String line = Instant.now() + " " + variant + " " + what;
    System.out.println("[lab-result] " + line);
    Files.createDirectories(FILE.getParent());
    Files.writeString(FILE, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** MB (10^6 bytes) per second, one decimal. */
  static String mbPerSecond(long bytes, long ms) {
    return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6 / Math.max(1, ms) * 1000);
  }
}
