package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.HostOptions;
import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.HostTunnel;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.JoinApprover;
import dev.p2ptunnel.webrtc.JoinDecision;
import dev.p2ptunnel.webrtc.TrustStore;
import dev.p2ptunnel.webrtc.Tunnel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code p2p-tunnel host}: shares a local TCP service with remote clients. */
@Command(name = "host", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Share a local TCP service (a game server, a web app, an API) with a remote peer.",
      "Shows each join request with its short authentication code, which the client shows too, and asks y/N/a "
          + "(a = always: trust this client from now on) unless --yes; nothing of the service is reachable before "
          + "that. When a client leaves, the host keeps running and waits for the next one; stop it with Ctrl-C."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped with Ctrl-C/SIGTERM after a clean shutdown, or offline standard input ended",
      "1:runtime failure (signaling ended, tunnel could not start)",
      "2:bad usage"})
final class HostCommand implements Callable<Integer> {
  private final Env env;

  @Spec
  @Nullable CommandSpec spec;

  @Option(names = "--port", required = true, paramLabel = "PORT", description = "Port of the service to share.")
  int port;

  @Option(names = "--ip", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address of the service: 127.0.0.1, ::1, or a host name (default: ${DEFAULT-VALUE}).")
  String ip = "127.0.0.1";

  @Option(names = "--max-clients", paramLabel = "N", defaultValue = "1",
      description = "How many clients may be connected at once (default: ${DEFAULT-VALUE}).")
  int maxClients = 1;

  @Option(names = {"-y", "--yes"}, description = "Approve every join request without asking.")
  boolean yes;

  @Option(names = "--approve-timeout", paramLabel = "DURATION", defaultValue = "5m",
      description = "Refuse a join request not decided within this (e.g. 90s, 5m; default: ${DEFAULT-VALUE}).")
  String approveTimeout = "5m";

  @Option(names = "--trust", paramLabel = "FILE", description = "Trusted clients: their joins are approved without "
      + "asking; 'a' at the prompt adds one (default: trusted-clients in the --config-dir).")
  @Nullable Path trust;

  @Option(names = "--session-name", paramLabel = "NAME", description = "Keep the same Session ID "
      + "across restarts (derived from NAME and this installation's identity), so a saved client command keeps "
      + "working.")
  @Nullable String sessionName;

  @Mixin
  IdentityOptions identityOptions = new IdentityOptions();

  @Mixin
  SignalingOptions signaling = new SignalingOptions();

  @Mixin
  WebRtcOptions webRtc = new WebRtcOptions();

  @Mixin
  OutputOptions output = new OutputOptions();

  HostCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    if (port < 1 || port > 65_535) {
      throw usage("--port " + port + ": out of range (expected: 1-65535)");
    }
    if (maxClients < 1) {
      throw usage("--max-clients " + maxClients + ": must be at least 1");
    }
    WebRtcConfig config = webRtc.config();
    signaling.check();
    Duration timeout = Durations.parse(approveTimeout, "--approve-timeout", this::usage);
    if (sessionName != null && signaling.offline) {
      throw usage("--session-name is for rendezvous and --signal; offline there is no Session ID");
    }
    Console console = output.console(env);
    Logs.configure(output.verbose);
    Path trustFile = trust != null ? trust : identityOptions.directory().resolve("trusted-clients");
    TrustStore trusted = TrustStore.open(trustFile);
    ConsoleInput input = new ConsoleInput(env.in());
    // A claimed Session ID needs the identity first; otherwise the Session ID goes out first and loading the identity
    // (the JDK's crypto providers cost hundreds of ms cold) overlaps the client's start, like libwebrtc below.
    Identity claimed = sessionName == null ? null : identityOptions.identity();
    HostSignaling base = signaling.host(input, console, maxClients, port,
        claimed == null ? null : claimed.sessionClaim(sessionName));
    Identity identity = claimed != null ? claimed : identityOptions.identity();
    console.info("Host identity " + identity.fingerprint() + " (in " + identityOptions.directory()
        + "); trusted clients in " + trustFile + ".");
    // After the Session ID is out: loaded in parallel, it slowed the way to the ID on 2 cores (docs/PERFORMANCE.md);
    // now it overlaps the client's start, and the first join finds it loaded.
    Preload.libwebrtcInBackground();
    Shutdown shutdown = env.shutdown();
    try {
      JoinApprover approver = yes ? join -> {
        console.event("join request from '" + join.clientName() + "'" + (join.clientAddress() == null ? ""
            : " at " + join.clientAddress()) + ", short authentication code "
            + (join.shortAuthString() == null ? "(none)" : join.shortAuthString()) + ": approved (--yes)");
        return CompletableFuture.completedFuture(JoinDecision.approve());
      } : new ConsolePrompt(input, console);
      HostEvents events = new HostEvents(console, maxClients);
      console.info("Sharing " + Addresses.format(ip, port) + " with up to " + maxClients
          + (maxClients == 1 ? " client" : " clients") + " at a time. Stop with Ctrl-C.");
      warnIfServiceDown(console);
      // stayOpen: a client that leaves frees its place for the next one; the host runs until Ctrl-C or until
      // signaling can bring no more clients.
      HostTunnel host = shutdown.register(Tunnel.host(HostOptions.builder(ip, port).signaling(base)
          .webRtc(config).approver(approver).maxClients(maxClients).stayOpen(true).listener(events)
          .identity(identity).trustStore(trusted).approveTimeout(timeout).build()));
      StatusReporter reporter = shutdown.register(
          new StatusReporter(() -> events.counters(host), console, output.statsJson(env), 5));
      reporter.start();
      String reason = host.closed().get();
      shutdown.parkIfStopping();
      if (reason.contains("standard input closed")) {
        console.event("stopped: " + reason + " (no more offers can be pasted)");
        return ExitCodes.OK;
      }
      throw new UserError(Hints.explain("the host stopped", reason));
    } finally {
      shutdown.closeAll();
      base.close();
    }
  }

  private void warnIfServiceDown(Console console) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(ip, port), 1_000);
    } catch (IOException e) {
      console.event("warning: nothing answers on " + Addresses.format(ip, port) + " (" + e.getMessage()
          + "); start the service, or clients' connections will be refused");
    }
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: injected by picocli)");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
