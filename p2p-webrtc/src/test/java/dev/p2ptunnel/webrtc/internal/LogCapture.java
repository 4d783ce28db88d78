package dev.p2ptunnel.webrtc.internal;

import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * For a test: a handler on one java.util.logging logger (where {@link System.Logger} lands) that hands every record
 * from FINE up to a sink, which may throw (a broken handler); {@link #close} removes it and gives the logger its level
 * back. Nested captures on one logger close in reverse order and leave it as it was. Not thread-safe: the test's
 * thread opens and closes it; the sink runs on whichever thread logs.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Handler handler;
  private final Level before;

  private LogCapture(Logger logger, Handler handler) {
    this.logger = logger;
    this.handler = handler;
    this.before = logger.getLevel();
    logger.setLevel(Level.FINE);
    logger.addHandler(handler);
  }

  /** Starts handing the records of the logger named {@code name} to {@code sink}. */
  public static LogCapture of(String name, Consumer<LogRecord> sink) {
    return new LogCapture(Logger.getLogger(name), new Handler() {
      @Override
      public void publish(LogRecord record) {
        sink.accept(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
  }

  /** The record's message with its parameters filled in, as a formatter shows it. */
  public static String text(LogRecord record) {
    return new SimpleFormatter().formatMessage(record);
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(before);
  }
}
