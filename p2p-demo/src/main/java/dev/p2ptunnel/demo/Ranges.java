package dev.p2ptunnel.demo;

import java.util.function.Function;
import picocli.CommandLine.ParameterException;

/** Whole numbers typed on the command line, checked against their range. */
final class Ranges {
  private Ranges() {}

  /**
   * {@code value} when {@code min <= value <= max}; else the usage error naming the option, its value and the range,
   * e.g. {@code --max-flows 0: out of range (expected: 1-65536)}.
   */
  static int check(String option, int value, int min, int max, Function<String, ParameterException> usage) {
    if (value < min || value > max) {
      throw usage.apply(option + " " + value + ": out of range (expected: " + min + "-" + max + ")");
    }
    return value;
  }
}
