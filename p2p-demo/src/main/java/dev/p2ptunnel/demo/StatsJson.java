package dev.p2ptunnel.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code --stats-json}: one JSON object per line (JSON Lines), one line per sample, to a file (truncated at start)
 * or to standard output ({@code -}). Not thread-safe: the status reporter's thread writes.
 */
final class StatsJson implements AutoCloseable {
  private final ObjectMapper mapper = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private final PrintStream out;
  private final boolean ownsStream;

  private StatsJson(PrintStream out, boolean ownsStream) {
    this.out = out;
    this.ownsStream = ownsStream;
  }

  /** Writes to {@code stdout} for {@code "-"}, else to the named file. */
  static StatsJson open(String target, PrintStream stdout) {
    if (target.equals("-")) {
      return new StatsJson(stdout, false);
    }
    try {
      OutputStream file = new FileOutputStream(target);
      return new StatsJson(new PrintStream(file, true, StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new UserError("cannot write --stats-json file " + target + ": " + e.getMessage()
          + "; choose a writable path or - for standard output", e);
    }
  }

  void write(StatusSnapshot snapshot) {
    try {
      out.println(mapper.writeValueAsString(snapshot));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("stats snapshot: not serializable (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void close() {
    if (ownsStream) {
      out.close();
    }
  }
}
