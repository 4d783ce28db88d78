package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.Signaling;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How offer and answer travel: a signaling server ({@code --signal URL}) or copy and paste ({@code --offline}).
 * The one place where the HTTP signaling client plugs in. Set by picocli.
 */
final class SignalingOptions {
  @Spec(Spec.Target.MIXEE)
  @Nullable CommandSpec spec;

  @Option(names = "--signal", paramLabel = "URL", description = "Signaling server, e.g. http://203.0.113.7:8787 "
      + "(run one with: p2p-tunnel signal).")
  @Nullable String signal;

  @Option(names = "--offline", description = "No server: exchange tokens by copy and paste (chat, e-mail).")
  boolean offline;

  /** The host's signaling. */
  HostSignaling host(ConsoleInput input, Console console) {
    check();
    if (offline) {
      return new ConsoleHostSignaling(input, console);
    }
    throw serverNotYet();
  }

  /** The client's signaling, joining {@code session} on a server (null offline). */
  Signaling client(@Nullable String session, ConsoleInput input, Console console) {
    check();
    if (offline) {
      if (session != null) {
        throw usage("--session is for --signal; offline there is no session ID");
      }
      return new ConsoleClientSignaling(input, console);
    }
    if (session == null) {
      throw usage("--signal needs --session ID (the host prints it)");
    }
    throw serverNotYet();
  }

  /** Usage errors in the choice of signaling, before anything starts. */
  void check() {
    if (signal != null && offline) {
      throw usage("--signal and --offline exclude each other; choose one");
    }
    if (signal == null && !offline) {
      throw usage("choose how to exchange connection details: --signal URL or --offline");
    }
  }

  private static UserError serverNotYet() {
    return new UserError("--signal: this build has no signaling-server client yet; use --offline");
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: injected by picocli)");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
