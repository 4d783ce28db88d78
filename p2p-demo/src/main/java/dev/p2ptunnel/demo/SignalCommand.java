package dev.p2ptunnel.demo;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import dev.p2ptunnel.signaling.cli.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code p2p-tunnel signal}: runs a signaling server for hosts and clients to meet (the server of p2p-signaling, with
 * all its options: {@link ServerOptions}).
 */
final class SignalCommand implements Callable<Integer> {
  private final Env env;

  @Nullable CommandSpec spec;

  final ServerOptions server = new ServerOptions();

  final OutputOptions output = new OutputOptions();

  SignalCommand(Env env) {
    this.env = env;
  }

  /**
   * The command's model. The server's options are p2p-signaling's {@link ServerOptions}, a picocli mixin read from its
   * annotations (it is also {@code p2p-signaling}'s own command line): this command is not on a tunnel's start path.
   */
  CommandSpec spec() {
    CommandSpec spec = Cli.command("signal", this, new String[] {"Run a signaling server: hosts open a session and "
        + "get a Session ID, clients join it with that ID. It only relays the two connection descriptions; tunnel "
        + "traffic never passes through it. Every option can also come from its P2P_SIGNAL_... environment variable; "
        + "with --redis several servers share the sessions (docs/SIGNALING.md, running it for the public)."},
        "0:stopped with Ctrl-C/SIGTERM", "1:runtime failure (port in use, Redis unreachable)",
        "2:bad usage");
    this.spec = spec;
    spec.addMixin("server", CommandSpec.forAnnotatedObject(server));
    output.addTo(spec);
    Cli.standardHelp(spec);
    return spec;
  }

  @Override
  public Integer call() throws InterruptedException {
    SignalingConfig config;
    try {
      config = server.config();
    } catch (IllegalArgumentException e) {
      if (spec == null) {
        throw new IllegalStateException("spec: null (expected: set by spec())", e);
      }
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Console console = output.console(env);
    Logs.configure(output.verbose);
    server.installAccessLog(env.out());
    Shutdown shutdown = env.shutdown();
    try {
      SignalingServer running;
      try {
        running = shutdown.register(SignalingServer.start(new InetSocketAddress(server.bind(), server.port()),
            config));
      } catch (IOException e) {
        throw new UserError("cannot start the signaling server on " + Addresses.format(server.bind(), server.port())
            + ": " + (e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
            : e.getMessage()) + (config.redis() == null ? "; choose another --port, or stop the program using it"
            : "; check --redis and that the port is free"), e);
      }
      console.result("Signaling server listening on " + Addresses.format(server.bind(), running.address().getPort())
          + (config.redis() == null ? "" : ", sessions in Redis " + redactedRedis(config)));
      console.info("Hosts and clients use --signal http://ADDRESS:" + running.address().getPort()
          + " with an address of this machine they can reach. Stop with Ctrl-C.");
      running.awaitClose();
      shutdown.parkIfStopping();
      return ExitCodes.OK;
    } finally {
      shutdown.closeAll();
    }
  }

  /** The Redis URI without its password. */
  private static String redactedRedis(SignalingConfig config) {
    java.net.URI uri = config.redis();
    if (uri == null) {
      return "";
    }
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getPath() == null ? "" : uri.getPath());
  }
}
