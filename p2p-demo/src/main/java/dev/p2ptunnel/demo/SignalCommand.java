package dev.p2ptunnel.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code p2p-tunnel signal}: runs a signaling server for hosts and clients to meet. */
@Command(name = "signal", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a signaling server: hosts register a session, clients join it with the Session ID. It only "
        + "relays the two connection descriptions; tunnel traffic never passes through it.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped with Ctrl-C/SIGTERM", "1:runtime failure (port in use)", "2:bad usage"})
final class SignalCommand implements Callable<Integer> {
  private final Env env;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8787",
      description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port = 8787;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind = "0.0.0.0";

  @Mixin
  OutputOptions output = new OutputOptions();

  SignalCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    output.console(env);
    throw new UserError("signal: this build has no signaling server yet; use host/client --offline");
  }
}
