package dev.p2ptunnel.demo;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --verbose}, {@code --quiet} and {@code --stats-json}, shared by the commands. Set by picocli. */
final class OutputOptions {
  @Option(names = {"-v", "--verbose"}, description = "Show library logs and stack traces of errors.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "Print only what you must act on (tokens, codes, addresses) "
      + "and errors.")
  boolean quiet;

  @Option(names = "--stats-json", paramLabel = "FILE|-", description = "Write stats as one JSON object per line, "
      + "every second, to FILE or to standard output (-; the other output then goes to standard error).")
  @Nullable String statsJson;

  /** The console for this run; with {@code --stats-json -} human output moves to stderr. */
  Console console(Env env) {
    boolean jsonOnStdout = "-".equals(statsJson);
    Console console = new Console(jsonOnStdout ? env.err() : env.out(), env.err(), env.terminal() && !jsonOnStdout,
        quiet, verbose);
    env.shutdown().console(console);
    return console;
  }

  /** The JSON sink, or null without {@code --stats-json}. */
  @Nullable StatsJson statsJson(Env env) {
    return statsJson == null ? null : StatsJson.open(statsJson, env.out());
  }
}
