package dev.p2ptunnel.demo;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code java -jar p2p-tunnel.jar COMMAND …}: parses the command line with picocli and runs {@code host},
 * {@code client}, {@code signal} or {@code try}. Usage errors print one line and exit 2; run-time failures print one
 * line (with the stack trace only under {@code --verbose}) and exit 1; see {@link ExitCodes}.
 */
public final class Main implements Callable<Integer> {
  private static final java.util.Set<String> COMMANDS = java.util.Set.of("host", "client", "signal", "try");

  private final CommandSpec spec = Cli.command("p2p-tunnel", this, new String[] {
      "Share a TCP service with one remote peer over one WebRTC DataChannel, peer to peer.",
      "Start with: p2p-tunnel try"},
      "0:success; also Ctrl-C/SIGTERM after a clean shutdown",
      "1:runtime failure (one line on stderr says what and what to do)",
      "2:bad usage (unknown option, missing value)");

  private Main() {
    spec.versionProvider(new Version()).usageMessage().commandListHeading("%nCommands:%n").sortOptions(true);
    Cli.standardHelp(spec);
  }

  /** Runs a command, then ends the JVM with its exit code after everything it opened is closed. */
  public static void main(String[] args) {
    java.util.OptionalInt relaunched = ClassArchive.relaunch(args);
    if (relaunched.isPresent()) {
      Runtime.getRuntime().halt(relaunched.getAsInt()); // the command ran in a JVM with the class archive
    }
    warmUpSignaling(args);
    if (args.length > 0 && args[0].equals("client")) {
      Preload.libwebrtcInBackground(); // the offer needs it first; the host's waits until its Session ID is out
    }
    Shutdown shutdown = new Shutdown();
    shutdown.install();
    Env env = new Env(System.out, System.err, System.in, System.console() != null, shutdown);
    int code = run(env, args);
    // webrtc-java keeps non-daemon native threads alive until its factory is disposed: everything is closed by
    // now, and exiting explicitly guarantees the process ends even if a library thread lingers.
    shutdown.exit(code);
  }

  /** Parses and runs; returns the exit code. Never calls System.exit (tests call this). */
  static int run(Env env, String... args) {
    CommandLine line = commandLine(env, args.length == 0 ? "" : args[0]);
    return line.execute(args);
  }

  /**
   * The command line for {@code first}, the first argument, its model built in code ({@link Cli}): a run of one command
   * builds that command only (docs/PERFORMANCE.md, "Start, step by step"); anything else (help, version, a typo) gets
   * all of them.
   */
  static CommandLine commandLine(Env env, String first) {
    CommandLine line = new CommandLine(new Main().spec);
    boolean all = !COMMANDS.contains(first);
    if (all || first.equals("host")) {
      line.addSubcommand("host", new CommandLine(new HostCommand(env).spec()));
    }
    if (all || first.equals("client")) {
      line.addSubcommand("client", new CommandLine(new ClientCommand(env).spec()));
    }
    if (all || first.equals("signal")) {
      line.addSubcommand("signal", new CommandLine(new SignalCommand(env).spec()));
    }
    if (all || first.equals("try")) {
      line.addSubcommand("try", new CommandLine(new TryCommand(env).spec()));
    }
    for (CommandLine command : line.getSubcommands().values()) {
      command.getCommandSpec().versionProvider(new Version()); // `client --version` says it too, not nothing
    }
    line.setOut(new java.io.PrintWriter(env.out(), true));
    line.setErr(new java.io.PrintWriter(env.err(), true));
    line.setParameterExceptionHandler((ex, args) -> {
      String command = ex.getCommandLine().getCommandSpec().qualifiedName();
      PrintStream err = env.err();
      err.println(command + ": " + oneLine(ex.getMessage()) + " (see '" + command + " --help')");
      err.flush();
      return ExitCodes.USAGE;
    });
    line.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      boolean verbose = parseResult.subcommand() != null
          && parseResult.subcommand().hasMatchedOption("--verbose");
      PrintStream err = env.err();
      if (ex instanceof UserError) {
        err.println("p2p-tunnel: " + oneLine(ex.getMessage()));
      } else {
        err.println("p2p-tunnel: unexpected error: " + oneLine(String.valueOf(ex))
            + (verbose ? "" : "; run with --verbose for the stack trace"));
      }
      if (verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.FAILURE;
    });
    return line;
  }

  /**
   * {@code host} or {@code client} with {@code --signal URL}: the HTTP client and Jackson, which the first signaling
   * call needs, are made ready on a daemon thread while picocli parses the command line (~0.3 s of a start on two
   * cores, docs/PERFORMANCE.md "Start, step by step"); the signaling then takes that client. Anything unusual (no
   * such option, a malformed URL) is left to the parser, which reports it.
   */
  static void warmUpSignaling(String... args) {
    java.net.URI server = signalingServer(args);
    if (server == null) {
      return;
    }
    Thread thread = new Thread(() -> {
      try {
        dev.p2ptunnel.webrtc.signaling.HttpSignaling.warmUp(server);
      } catch (RuntimeException ignored) {
        // only a warm-up: the real call reports whatever is wrong
      }
    }, "p2p-tunnel-signaling-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /** The server of {@code host|client … --signal URL} (the last one given) if it is an http(s) URL, else null. */
  static java.net.@Nullable URI signalingServer(String... args) {
    if (args.length == 0 || !args[0].equals("host") && !args[0].equals("client")) {
      return null;
    }
    String url = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--signal") && i + 1 < args.length) {
        url = args[i + 1];
      } else if (args[i].startsWith("--signal=")) {
        url = args[i].substring("--signal=".length());
      }
    }
    try {
      java.net.URI server = url == null ? null : new java.net.URI(url);
      return server != null && server.getHost() != null
          && ("http".equals(server.getScheme()) || "https".equals(server.getScheme())) ? server : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: choose host, client, signal or try");
  }

  /**
   * The version printed by {@code --version}: the jar manifest's Implementation-Version (p2p-tunnel.jar and every
   * jar of the build carry one), else the version javac wrote into module-info (the packages of a named module have
   * no manifest attributes); "(development build)" only for classes on the class path outside a jar, e.g. an IDE's
   * output folder.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"p2p-tunnel " + of(Main.class)};
    }

    static String of(Class<?> type) {
      String version = type.getPackage().getImplementationVersion();
      if (version == null && type.getModule().getDescriptor() != null) {
        version = type.getModule().getDescriptor().rawVersion().orElse(null);
      }
      return version == null ? "(development build)" : version;
    }
  }
}
