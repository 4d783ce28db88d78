package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.Service;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code p2p-tunnel host}: shares a local TCP service with remote clients. */
final class HostCommand implements Callable<Integer> {
  private final Env env;

  @Nullable CommandSpec spec;

  int port;

  String ip = "127.0.0.1";

  java.util.List<String> shares = new java.util.ArrayList<>();

  final LimitOptions limits = new LimitOptions();

  int maxClients = 1;

  boolean yes;

  String approveTimeout = "5m";

  @Nullable Path trust;

  @Nullable String sessionName;

  final IdentityOptions identityOptions = new IdentityOptions();

  final SignalingOptions signaling = new SignalingOptions();

  final WebRtcOptions webRtc = new WebRtcOptions();

  final ResilienceOptions resilience = new ResilienceOptions();

  final OutputOptions output = new OutputOptions();

  HostCommand(Env env) {
    this.env = env;
  }

  /** The command's model: its options and its option groups', in the order of its help. */
  CommandSpec spec() {
    CommandSpec spec = Cli.command("host", this, new String[] {
        "Share local services (a game server's TCP and UDP ports, a web app, an API) with remote peers.",
        "Only what --port or --share names is reachable: a client names services, never addresses, and a machine "
            + "other than this one is reachable only if a --share names it.",
        "Shows each join request with its short authentication code, which the client shows too, and asks y/N/a "
            + "(a = always: trust this client from now on) unless --yes; nothing of the service is reachable before "
            + "that. When a client's connection is lost, its connections are kept for --grace while it comes back by "
            + "itself; when a client leaves, the host keeps running and waits for the next one; stop it with Ctrl-C."},
        "0:stopped with Ctrl-C/SIGTERM after a clean shutdown, or offline standard input ended",
        "1:runtime failure (signaling ended, tunnel could not start)",
        "2:bad usage");
    this.spec = spec;
    spec.addOption(Cli.option("--port", "PORT", int.class, () -> port, v -> port = v,
        "Port of the one TCP service to share (shorthand for --share default=PORT, with --ip).").build());
    spec.addOption(Cli.option("--ip", "ADDRESS", String.class, () -> ip, v -> ip = v,
        "Address of the --port service: 127.0.0.1, ::1, or a host name (default: ${DEFAULT-VALUE}).").build());
    spec.addOption(Cli.list("--share", "NAME=[HOST:]PORT[/tcp|/udp]", () -> shares, v -> shares = v,
        "A service to share, repeatable: e.g. --share game=25565 --share voice=24454/udp. HOST defaults to "
            + "127.0.0.1; name another machine (nas=192.168.1.20:445) only if clients should reach it.").build());
    limits.addTo(spec);
    spec.addOption(Cli.option("--max-clients", "N", int.class, () -> maxClients, v -> maxClients = v,
        "How many clients may be connected at once (default: ${DEFAULT-VALUE}).").build());
    spec.addOption(Cli.flag(new String[] {"-y", "--yes"}, () -> yes, v -> yes = v,
        "Approve every join request without asking.").build());
    spec.addOption(Cli.option("--approve-timeout", "DURATION", String.class, () -> approveTimeout,
        v -> approveTimeout = v, "Refuse a join request not decided within this (e.g. 90s, 5m; default: "
            + "${DEFAULT-VALUE}).").build());
    spec.addOption(Cli.option("--trust", "FILE", Path.class, () -> trust, v -> trust = v, "Trusted clients: "
        + "their joins are approved without asking; 'a' at the prompt adds one (default: trusted-clients in the "
        + "--config-dir).").build());
    spec.addOption(Cli.option("--session-name", "NAME", String.class, () -> sessionName, v -> sessionName = v,
        "Keep the same Session ID across restarts (derived from NAME and this installation's identity), so a saved "
            + "client command keeps working.").build());
    identityOptions.addTo(spec);
    signaling.addTo(spec);
    webRtc.addTo(spec);
    resilience.addTo(spec);
    output.addTo(spec);
    Cli.standardHelp(spec);
    return spec;
  }

  @Override
  public Integer call() throws Exception {
    List<Service> services = services();
    BridgeConfig bridge = limits.bridge(resilience.bridge(), this::usage);
    if (maxClients < 1) {
      throw usage("--max-clients " + maxClients + ": must be at least 1");
    }
    WebRtcConfig config = webRtc.config(resilience.reconnect());
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
    // The client's command the host suggests: --port for the one-service shorthand, else every service by default.
    HostSignaling base = signaling.host(input, console, maxClients, shares.isEmpty() ? port : 0,
        claimed == null ? null : claimed.sessionClaim(sessionName));
    Identity identity = claimed != null ? claimed : identityOptions.identity();
    console.info("Host identity " + identity.fingerprint() + " (in " + identityOptions.directory()
        + "); trusted clients in " + trustFile + ".");
    // After the Session ID is out: loaded in parallel, it slowed the way to the ID on 2 cores (docs/PERFORMANCE.md);
    // now it overlaps the client's start, and the first join finds it loaded.
    Preload.libwebrtcInBackground();
    Preload.verificationInBackground(identity); // a client's proof is verified when its reveal arrives
    Shutdown shutdown = env.shutdown();
    try {
      JoinApprover approver = yes ? join -> {
        console.event("join request from '" + join.clientName() + "'" + (join.clientAddress() == null ? ""
            : " at " + join.clientAddress()) + ", short authentication code "
            + (join.shortAuthString() == null ? "(none)" : join.shortAuthString()) + ": approved (--yes)");
        return CompletableFuture.completedFuture(JoinDecision.approve());
      } : new ConsolePrompt(input, console);
      HostEvents events = new HostEvents(console, maxClients, bridge.resumeGrace());
      console.info("Sharing " + describe(services) + " with up to " + maxClients
          + (maxClients == 1 ? " client" : " clients") + " at a time; nothing else is reachable. Stop with Ctrl-C.");
      for (Service service : services) {
        warnIfServiceDown(console, service);
      }
      HostOptions.Builder options = HostOptions.builder();
      services.forEach(options::share);
      // stayOpen: a client that leaves frees its place for the next one; the host runs until Ctrl-C or until
      // signaling can bring no more clients.
      HostTunnel host;
      try {
        host = shutdown.register(Tunnel.host(options.signaling(base).webRtc(config).bridge(bridge)
            .approver(approver).maxClients(maxClients).stayOpen(true).listener(events).identity(identity)
            .trustStore(trusted).approveTimeout(timeout).build()));
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage() + "; check the --share/--ip host names", e);
      }
      StatusReporter reporter = shutdown.register(
          new StatusReporter(() -> events.counters(host, unreachableSince(base)), console, output.statsJson(env),
              5));
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

  /** The services of --port and --share, in order, checked. */
  private List<Service> services() {
    List<Service> services = new java.util.ArrayList<>();
    if (port != 0) {
      Ranges.check("--port", port, 1, 65_535, this::usage);
      services.add(Service.tcp(Service.DEFAULT_NAME, ip, port));
    }
    for (String share : shares) {
      Service service;
      try {
        service = Service.parse(share);
      } catch (IllegalArgumentException e) {
        throw usage("--share " + e.getMessage());
      }
      for (Service earlier : services) {
        if (earlier.name().equals(service.name())) {
          throw usage("--share " + share + ": the name '" + service.name() + "' is used twice (as " + earlier
              + "); each service needs a name of its own");
        }
      }
      services.add(service);
    }
    if (services.isEmpty()) {
      throw usage("nothing to share: give --port PORT or one or more --share NAME=[HOST:]PORT[/tcp|/udp]");
    }
    return services;
  }

  /** Since when the host's signaling server is unreachable (an HTTP server's outage), or null. */
  static java.time.@Nullable Instant unreachableSince(HostSignaling signaling) {
    return signaling instanceof dev.p2ptunnel.webrtc.signaling.HttpHostSignaling http ? http.unreachableSince() : null;
  }

  /** {@code web (127.0.0.1:8080/tcp), voice (127.0.0.1:24454/udp)}. */
  static String describe(List<Service> services) {
    return services.stream().map(s -> s.name() + " (" + Addresses.format(s.host(), s.port()) + "/"
        + s.protocol().label() + ")").collect(java.util.stream.Collectors.joining(", "));
  }

  private void warnIfServiceDown(Console console, Service service) {
    String where = Addresses.format(service.host(), service.port());
    if (!service.host().equals(Service.LOOPBACK) && !service.host().equals("::1")
        && !service.host().equals("localhost")) {
      console.info("Note: '" + service.name() + "' reaches " + where + ", which clients reach through this host.");
    }
    if (service.protocol() == Service.Protocol.UDP) {
      return; // UDP has no connection to probe
    }
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(service.host(), service.port()), 1_000);
    } catch (IOException e) {
      console.event("warning: nothing answers on " + where + " for '" + service.name() + "' (" + e.getMessage()
          + "); start the service, or clients' connections to it will be refused");
    }
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: set by spec())");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
