package dev.p2ptunnel.demo;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.ParameterException;

/** Durations typed on the command line: {@code 90s}, {@code 5m}, {@code 1h}, or a bare number of seconds. */
final class Durations {
  private Durations() {}

  static Duration parse(String text, String option, Function<String, ParameterException> usage) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unit = 3600;
      t = t.substring(0, t.length() - 1);
    }
    try {
      long value = Long.parseLong(t);
      if (value >= 1 && value <= 24 * 3600 / unit) {
        return Duration.ofSeconds(value * unit);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw usage.apply(option + " " + text + ": not a duration (expected: 1s to 24h, e.g. 90s or 5m)");
  }
}
