package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.signaling.SignalingServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code p2p-tunnel signal}: runs a signaling server for hosts and clients to meet. */
@Command(name = "signal", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a signaling server: hosts open a session and get a Session ID, clients join it with that ID. "
        + "It only relays the two connection descriptions; tunnel traffic never passes through it.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped with Ctrl-C/SIGTERM", "1:runtime failure (port in use)", "2:bad usage"})
final class SignalCommand implements Callable<Integer> {
  private final Env env;

  @Spec
  @Nullable CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8787",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8787;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, every interface).")
  String bind = "0.0.0.0";

  @Mixin
  OutputOptions output = new OutputOptions();

  SignalCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      if (spec == null) {
        throw new IllegalStateException("spec: null (expected: injected by picocli)");
      }
      throw new ParameterException(spec.commandLine(), "--port " + port + ": out of range (expected: 0-65535)");
    }
    Console console = output.console(env);
    Logs.configure(output.verbose);
    Shutdown shutdown = env.shutdown();
    try {
      SignalingServer server;
      try {
        server = shutdown.register(SignalingServer.start(new InetSocketAddress(bind, port),
            SignalingServer.Config.defaults()));
      } catch (IOException e) {
        throw new UserError("cannot listen on " + Addresses.format(bind, port) + ": "
            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
            + "; choose another --port, or stop the program using it", e);
      }
      console.result("Signaling server listening on " + Addresses.format(bind, server.address().getPort()));
      console.info("Hosts and clients use --signal http://ADDRESS:" + server.address().getPort()
          + " with an address of this machine they can reach. Stop with Ctrl-C.");
      server.awaitClose();
      shutdown.parkIfStopping();
      return ExitCodes.OK;
    } finally {
      shutdown.closeAll();
    }
  }
}
