package dev.p2ptunnel.demo;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Everything the app tells the person at the terminal. On a terminal the status is one line redrawn in place with
 * {@code \r}; other lines first erase it. Elsewhere (a pipe, a log file) each status is a plain line. Thread-safe:
 * every method is synchronized, so lines never interleave.
 */
final class Console {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final boolean quiet;
  private final boolean verbose;
  private int statusWidth;
  /** A prompt was printed and nothing since: off a terminal the typed answer is not echoed, so end its line. */
  private boolean promptOpen;

  /**
   * @param out where results, events and status go
   * @param err where errors go
   * @param terminal whether {@code out} is an interactive terminal (status redrawn in place)
   * @param quiet only results (tokens, codes, addresses) and errors are printed
   * @param verbose errors carry their stack trace
   */
  Console(PrintStream out, PrintStream err, boolean terminal, boolean quiet, boolean verbose) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.quiet = quiet;
    this.verbose = verbose;
  }

  boolean terminal() {
    return terminal;
  }

  boolean verbose() {
    return verbose;
  }

  /** Something the user needs even with {@code --quiet}: a token, the session ID, the address to connect to. */
  synchronized void result(String line) {
    eraseStatus();
    out.println(line);
    out.flush();
  }

  /** Guidance (what to paste where); not printed with {@code --quiet}. */
  synchronized void info(String line) {
    if (!quiet) {
      eraseStatus();
      out.println(line);
      out.flush();
    }
  }

  /** A prompt: no line break, so that the answer is typed after it. Printed even with {@code --quiet}. */
  synchronized void prompt(String text) {
    eraseStatus();
    out.print(text);
    out.flush();
    promptOpen = true;
  }

  /** Something that happened (a join, an approval, a close), with the time of day. */
  synchronized void event(String line) {
    if (!quiet) {
      eraseStatus();
      out.println(CLOCK.format(LocalTime.now()) + " " + line);
      out.flush();
    }
  }

  /** The live status: redrawn in place on a terminal, a plain line elsewhere. */
  synchronized void status(String line) {
    if (quiet) {
      return;
    }
    if (promptOpen) {
      return;
    }
    if (terminal) {
      String padded = line.length() < statusWidth ? line + " ".repeat(statusWidth - line.length()) : line;
      out.print("\r" + padded);
      statusWidth = line.length();
    } else {
      out.println(CLOCK.format(LocalTime.now()) + " " + line);
    }
    out.flush();
  }

  /** One line on stderr, always; with {@code --verbose} also the stack trace of {@code cause}. */
  synchronized void error(String line, Throwable cause) {
    eraseStatus();
    err.println("p2p-tunnel: " + line);
    if (verbose && cause != null) {
      cause.printStackTrace(err);
    }
    err.flush();
  }

  /** One line on stderr, always. */
  synchronized void error(String line) {
    eraseStatus();
    err.println("p2p-tunnel: " + line);
    err.flush();
  }

  private void eraseStatus() {
    if (promptOpen) {
      promptOpen = false;
      if (!terminal) {
        out.println();
      }
    }
    if (terminal && statusWidth > 0) {
      out.print("\r" + " ".repeat(statusWidth) + "\r");
      statusWidth = 0;
    }
  }
}
