package dev.p2ptunnel.demo;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The libraries log through {@link System.Logger}, which the JDK routes to java.util.logging. By default only their
 * errors reach stderr, one line each, and the warnings of {@link #ALWAYS_WARN} (a private key others can read);
 * {@code --verbose} shows ours down to debug, with stack traces, and the JDK's own components (its HTTP client and
 * security providers log hundreds of debug lines per request) from warnings up.
 */
final class Logs {
  /** Held so that java.util.logging, which keeps loggers weakly, cannot drop the level set on it. */
  private static final Logger OURS = Logger.getLogger("dev.p2ptunnel");
  /**
   * Loggers whose warnings a user must see without {@code --verbose}: the identity's, which says when the host's
   * private key or session secret can be read by other users, and how to make it private.
   */
  private static final Logger ALWAYS_WARN = Logger.getLogger("dev.p2ptunnel.webrtc.Identity");

  private Logs() {}

  static void configure(boolean verbose) {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    Level level = verbose ? Level.FINE : Level.SEVERE;
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(verbose ? Level.FINE : Level.WARNING); // the loggers' levels decide, below
    // Under --verbose each line says when (wall clock, ms): how the steps of a start are told apart
    // (docs/PERFORMANCE.md, "Start, step by step").
    java.time.format.DateTimeFormatter clock = verbose
        ? java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS", java.util.Locale.ROOT)
            .withZone(java.time.ZoneId.systemDefault()) : null;
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord record) {
        StringBuilder line = new StringBuilder("p2p-tunnel: [")
            .append(record.getLevel().getName().toLowerCase(java.util.Locale.ROOT)).append("] ");
        if (clock != null) {
          line.append(clock.format(record.getInstant())).append(' ');
        }
        line.append(record.getLoggerName()).append(": ").append(formatMessage(record).replace('\n', ' '))
            .append(System.lineSeparator());
        if (verbose && record.getThrown() != null) {
          StringWriter trace = new StringWriter();
          record.getThrown().printStackTrace(new PrintWriter(trace));
          line.append(trace);
        }
        return line.toString();
      }
    });
    root.addHandler(handler);
    root.setLevel(verbose ? Level.WARNING : Level.SEVERE);
    OURS.setLevel(level);
    ALWAYS_WARN.setLevel(verbose ? null : Level.WARNING); // null: as OURS
    // The first step of a start the setup trace shows (the JVM and picocli come before it).
    Logger.getLogger("dev.p2ptunnel.demo").fine("command line parsed, logging configured");
  }
}
