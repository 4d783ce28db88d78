package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.webrtc.ClientListener;
import dev.p2ptunnel.webrtc.ClientName;
import dev.p2ptunnel.webrtc.ClientOptions;
import dev.p2ptunnel.webrtc.ClientTunnel;
import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.Signaling;
import dev.p2ptunnel.webrtc.TrustStore;
import dev.p2ptunnel.webrtc.Tunnel;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code p2p-tunnel client}: opens a local port that leads to the host's service. */
final class ClientCommand implements Callable<Integer> {
  private final Env env;

  @Nullable CommandSpec spec;

  @Nullable String session;

  @Nullable String name;

  @Nullable Integer port;

  String bind = "127.0.0.1";

  List<String> maps = new ArrayList<>();

  final SignalingOptions signaling = new SignalingOptions();

  final WebRtcOptions webRtc = new WebRtcOptions();

  final ResilienceOptions resilience = new ResilienceOptions();

  final OutputOptions output = new OutputOptions();

  final IdentityOptions identityOptions = new IdentityOptions();

  ClientCommand(Env env) {
    this.env = env;
  }

  /** The command's model: its own options, then its option groups', in the order of its help. */
  CommandSpec spec() {
    CommandSpec spec = Cli.command("client", this, new String[] {
        "Join a host: open local ports and carry every connection (and UDP datagram) to the host's services.",
        "By default every service the host shares is mapped to its own port number on 127.0.0.1 (or the next free "
            + "one); --map chooses ports, --port maps one port to the host's first service (as the original app).",
        "Prints the short authentication code at once (the host person compares it with theirs before approving), "
            + "then, once approved, the address to connect your app to. Remembers each host's identity and refuses a "
            + "host whose identity changed. When the network fails or changes it reconnects by itself and every "
            + "connection carries on (the local port stays open); it ends when the host stops, or when the host does "
            + "not come back within --grace. Stop it with Ctrl-C."},
        "0:stopped with Ctrl-C/SIGTERM after a clean shutdown",
        "1:runtime failure (port in use, join refused, tunnel did not open, host went away)",
        "2:bad usage");
    this.spec = spec;
    spec.addOption(Cli.option("--session", "ID", String.class, () -> session, v -> session = v,
        "Session ID the host printed.").build());
    spec.addOption(Cli.option("--name", "NAME", String.class, () -> name, v -> name = v,
        "Your name as the host sees it when it approves (default: your user name).").build());
    spec.addOption(Cli.option("--port", "PORT", Integer.class, () -> port, v -> port = v,
        "Local port for the host's first (default) service (0 picks a free one).").build());
    spec.addOption(Cli.option("--bind", "ADDRESS", String.class, () -> bind, v -> bind = v,
        "Local address of --port (default: ${DEFAULT-VALUE}; 0.0.0.0 shares it with your LAN).").build());
    spec.addOption(Cli.list("--map", "[BIND:]PORT=NAME", () -> maps, v -> maps = v,
        "Map a local port to the host's service NAME, repeatable: e.g. --map 25565=game --map 24454=voice (TCP or "
            + "UDP, as the host shares it).").build());
    signaling.addTo(spec);
    webRtc.addTo(spec);
    resilience.addTo(spec);
    output.addTo(spec);
    identityOptions.addTo(spec);
    Cli.standardHelp(spec);
    return spec;
  }

  @Override
  public Integer call() throws Exception {
    if (port != null) {
      Ranges.check("--port", port, 0, 65_535, this::usage);
    }
    List<Mapping> mappings = new ArrayList<>();
    for (String map : maps) {
      try {
        mappings.add(Mapping.parse(map));
      } catch (IllegalArgumentException e) {
        throw usage("--map " + e.getMessage());
      }
    }
    WebRtcConfig config = webRtc.config(resilience.reconnect());
    dev.p2ptunnel.bridge.BridgeConfig bridge = resilience.bridge();
    signaling.check();
    String user = System.getProperty("user.name", "client");
    String clientName = name != null ? name : user.substring(0, Math.min(user.length(), ClientName.MAX_CHARS));
    String nameProblem = ClientName.problem(clientName);
    if (nameProblem != null) {
      if (name != null) {
        throw usage("--name: " + nameProblem + " (expected: " + ClientName.RULE + ")");
      }
      clientName = "client";
    }
    Console console = output.console(env);
    Logs.configure(output.verbose);
    Preload.libwebrtcInBackground();
    // The first use of the JDK's crypto providers costs hundreds of ms: load the identity while libwebrtc loads.
    CompletableFuture<Identity> loading = CompletableFuture.supplyAsync(identityOptions::identity);
    loading.thenAccept(Preload::signatureInBackground); // the proof is signed when the host's challenge arrives
    TrustStore knownHosts = TrustStore.open(identityOptions.directory().resolve("known-hosts"));
    ConsoleInput input = new ConsoleInput(env.in());
    Signaling base = signaling.client(session, input, console);
    if (base instanceof AutoCloseable closeable) {
      env.shutdown().register(closeable); // rendezvous: its broker connections
    }
    Identity identity;
    try {
      identity = loading.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof UserError error ? error : e;
    }
    Shutdown shutdown = env.shutdown();
    MappingReport report = new MappingReport(console);
    var made = new java.util.concurrent.atomic.AtomicReference<@Nullable ClientTunnel>();
    WaitingConnections waiting = new WaitingConnections(console, bridge.resumeGrace(), () -> {
      ClientTunnel t = made.get();
      return t == null ? null : t.reconnectingSince();
    }, java.time.Clock.systemUTC());
    boolean mapAll = port == null && mappings.isEmpty();
    try {
      ClientTunnel tunnel;
      try {
        ClientOptions.Builder options = port == null ? ClientOptions.builder()
            : ClientOptions.builder(new InetSocketAddress(bind, port));
        mappings.forEach(options::map);
        tunnel = shutdown.register(Tunnel.client(options.mapAll(mapAll)
            .signaling(base).webRtc(config).bridge(bridge.toBuilder().listener(waiting).build()).name(clientName).identity(identity)
            .knownHosts(knownHosts)
            .listener(new ClientListener() {
              @Override
              public void onServices(List<SharedService> services) {
                report.services(services);
              }

              @Override
              public void onMapped(MappedPort mapped) {
                report.mapped(mapped);
              }

              @Override
              public void onMappingFailed(Mapping mapping, String reason) {
                report.failed(mapping, reason, mappings.contains(mapping));
              }

              @Override
              public void onShortAuthString(String code) {
                console.result("Short authentication code: " + code + " \u2014 waiting for the host to approve");
                console.info("Read it out to the host person: they approve only if they see the same code.");
              }

              @Override
              public void onNoShortAuthString() {
                console.result("The host runs without pairing (like the original app): there is no short "
                    + "authentication code to compare.");
              }

              @Override
              public void onApproved() {
                console.event("the host approved");
              }

              @Override
              public void onConnectionLost(String reason, boolean needsPerson) {
                String keep = bridge.resumeGrace().isZero() ? "" : "; your connections wait up to "
                    + Hints.duration(bridge.resumeGrace());
                console.event("connection to the host lost (" + reason + "), reconnecting" + keep
                    + (needsPerson ? "; offline mode cannot reconnect by itself: send the host the new offer "
                        + "token below and paste its answer" : ""));
              }

              @Override
              public void onRejoinFailed(String reason, Duration retryIn) {
                console.info("rejoin failed: " + reason + (retryIn.isZero() ? "" : "; trying again in "
                    + Math.max(1, retryIn.toSeconds()) + " s"));
              }

              @Override
              public void onConnectionRestored(int resumed, int closed) {
                console.event("reconnected: " + resumed + (resumed == 1 ? " connection carries" : " connections carry")
                    + " on" + (closed == 0 ? "" : "; " + closed + (closed == 1 ? " was" : " were")
                    + " closed, the host no longer had them (it restarted)"));
              }
            }).build()));
      } catch (IOException e) {
        String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
            : String.valueOf(e.getMessage());
        throw new UserError("cannot listen on " + Addresses.format(bind, port == null ? 0 : port) + ": " + why
            + "; choose another --port (or 0 for any), or stop the program using it", e);
      }
      made.set(tunnel);
      InetSocketAddress localAddress = tunnel.localAddress();
      String local = localAddress == null ? null : Addresses.format(localAddress);
      if (local != null) {
        console.info("Listening on " + local + "; connections wait there until the tunnel is open.");
      }
      try {
        CompletableFuture.anyOf(tunnel.opened(), shutdown.onRequest()).get();
      } catch (ExecutionException e) {
        shutdown.parkIfStopping();
        // The reason is set when the tunnel finishes closing, just after opened() fails: wait for it briefly.
        String reason;
        try {
          reason = tunnel.closed().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException stillClosing) {
          reason = String.valueOf(e.getCause().getMessage());
        }
        String explained = Hints.explain("the tunnel did not open", reason);
        if (signaling.offline && (reason.contains("no result within") || reason.contains("did not open within"))) {
          explained += " (offline: an answer token pasted more than about half a minute after the host printed it "
              + "connects only through a TURN relay, so give --turn to both sides or exchange the tokens quickly)";
        }
        throw new UserError(explained);
      }
      shutdown.parkIfStopping();
      PathType path = tunnel.path().get(5, TimeUnit.SECONDS);
      console.event("connected, path " + path.name().toLowerCase(Locale.ROOT));
      if (local != null) {
        console.result("Connect your app to " + local); // the original line: scripts wait for it
      }
      if (mapAll) {
        // An original host names no services: say so, and how to reach its one service.
        tunnel.services().whenComplete((services, error) -> {
          if (error != null) {
            report.fatal().complete((error.getCause() != null ? error.getCause() : error).getMessage()
                + "; join with --port PORT to reach its one service");
          }
        });
      }
      StatusReporter reporter = shutdown.register(new StatusReporter(() -> {
        var stats = tunnel.stats();
        String state = tunnel.state().name();
        String pathName = path.name().toLowerCase(Locale.ROOT);
        java.time.Instant since = tunnel.reconnectingSince();
        Long reconnecting = since == null ? null : Duration.between(since, java.time.Instant.now()).toSeconds();
        return stats == null
            ? new StatusReporter.Counters("client", state, pathName, 0, 1, 0, 0, 0, 0, java.util.Map.of(),
                reconnecting, 0)
            : new StatusReporter.Counters("client", state, pathName, 1, 1, stats.bytesToPeer(),
                stats.bytesFromPeer(), stats.openSockets(), stats.totalSockets(),
                stats.errors().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> e.getKey().name(), java.util.Map.Entry::getValue)), reconnecting,
                tunnel.flowStats().size());
      }, console, output.statsJson(env), 5));
      reporter.start();
      CompletableFuture.anyOf(tunnel.closed(), report.fatal()).get();
      if (report.fatal().isDone() && !tunnel.closed().isDone()) {
        throw new UserError(report.fatal().get());
      }
      String reason = tunnel.closed().get();
      shutdown.parkIfStopping();
      throw new UserError("the tunnel closed: " + reason + (reason.contains("did not come back")
          ? "; every connection was closed, run the client again to rejoin"
          : "; the host stopped or the network failed, run the client again to rejoin"));
    } finally {
      shutdown.closeAll();
    }
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: set by spec())");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
