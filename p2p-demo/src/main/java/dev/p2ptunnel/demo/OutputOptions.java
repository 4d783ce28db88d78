package dev.p2ptunnel.demo;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --verbose}, {@code --quiet} and {@code --stats-json}, shared by the commands. Set by picocli. */
final class OutputOptions {
  boolean verbose;

  boolean quiet;

  @Nullable String statsJson;

  /** Adds these options to {@code spec}; picocli sets the fields while it parses. */
  void addTo(CommandSpec spec) {
    spec.addOption(Cli.flag(new String[] {"-v", "--verbose"}, () -> verbose, v -> verbose = v,
        "Show library logs and stack traces of errors.").build());
    spec.addOption(Cli.flag(new String[] {"-q", "--quiet"}, () -> quiet, v -> quiet = v,
        "Print only what you must act on (tokens, codes, addresses) and errors.").build());
    spec.addOption(Cli.option("--stats-json", "FILE|-", String.class, () -> statsJson, v -> statsJson = v,
        "Write stats as one JSON object per line, every second, to FILE or to standard output (-; the other output "
            + "then goes to standard error).").build());
  }

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
