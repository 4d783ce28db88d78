package dev.p2ptunnel.signaling.cli;

import dev.p2ptunnel.signaling.SignalingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar p2p-signaling-VERSION-server.jar}: the signaling server alone, for operators (and containers:
 * every option also comes from a {@code P2P_SIGNAL_…} environment variable, logs go to standard error, access lines
 * to standard output, SIGTERM stops it cleanly: waiting polls are told to poll again, then it exits 0).
 */
@Command(name = "p2p-signaling", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = "Run the p2p-tunnel signaling server: hosts open a session and get a Session ID, clients join it "
        + "with that ID. It only relays the two connection descriptions; tunnel traffic never passes through it.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped with SIGTERM/Ctrl-C", "1:runtime failure (port in use, Redis unreachable)",
        "2:bad usage"})
public final class Main implements Callable<Integer> {
  private static final Logger OURS = Logger.getLogger("dev.p2ptunnel.signaling");

  @Mixin
  ServerOptions options = new ServerOptions();

  @Option(names = {"-v", "--verbose"}, description = "Log debug lines and Jetty's and Lettuce's warnings.")
  boolean verbose;

  /** For picocli. */
  public Main() {}

  /** Runs the server until SIGTERM or Ctrl-C. */
  public static void main(String[] args) {
    int code = new CommandLine(new Main()).setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("p2p-signaling: " + e.getMessage() + " (see 'p2p-signaling --help')");
      return 2;
    }).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    logs(verbose);
    options.installAccessLog(System.out);
    SignalingServer server;
    try {
      server = SignalingServer.start(new InetSocketAddress(options.bind(), options.port()), configOrUsage());
    } catch (IOException e) {
      System.err.println("p2p-signaling: " + e.getMessage());
      return 1;
    }
    // SIGTERM (a container stopping) and Ctrl-C: close (waiting polls are told to poll again), then exit 0 rather
    // than the JVM's 143/130, which would read as a crash.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      System.err.println("p2p-signaling: stopped");
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }, "p2p-signaling-stop"));
    System.err.println("p2p-signaling: listening on " + server.address().getAddress().getHostAddress() + ":"
        + server.address().getPort());
    server.awaitClose();
    return 0;
  }

  private dev.p2ptunnel.signaling.SignalingConfig configOrUsage() {
    try {
      return options.config();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  /** Our logs from INFO (debug with --verbose), the libraries' from WARNING, one line each on stderr. */
  static void logs(boolean verbose) {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(record.getLevel().getName()).append(' ')
            .append(record.getLoggerName()).append(": ").append(formatMessage(record).replace('\n', ' '))
            .append(System.lineSeparator());
        if (record.getThrown() != null) {
          StringWriter trace = new StringWriter();
          record.getThrown().printStackTrace(new PrintWriter(trace));
          line.append(trace);
        }
        return line.toString();
      }
    });
    root.addHandler(handler);
    root.setLevel(verbose ? Level.INFO : Level.WARNING);
    OURS.setLevel(verbose ? Level.FINE : Level.INFO);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"p2p-signaling " + (version == null ? "(development build)" : version)};
    }
  }
}
