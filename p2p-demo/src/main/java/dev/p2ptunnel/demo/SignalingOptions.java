package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.HostSignaling;
import dev.p2ptunnel.webrtc.Signaling;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.signaling.HttpHostSignaling;
import dev.p2ptunnel.webrtc.signaling.HttpSignaling;
import dev.p2ptunnel.webrtc.signaling.SignalingStatusListener;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * How offer and answer travel: rendezvous through MQTT brokers (the default; {@code --rendezvous URL} to choose the
 * brokers), a signaling server ({@code --signal URL}) or copy and paste ({@code --offline}). Set by picocli.
 */
final class SignalingOptions {
  @Nullable CommandSpec spec;

  @Nullable String signal;

  boolean offline;

  List<String> rendezvous = new ArrayList<>();

  @Nullable Path rendezvousCa;

  @Nullable String findTimeout;

  private @Nullable RendezvousChoice choice;

  /** Adds these options to {@code spec}, whose command line reports their usage errors. */
  void addTo(CommandSpec spec) {
    this.spec = spec;
    spec.addOption(Cli.option("--signal", "URL", String.class, () -> signal, v -> signal = v,
        "Signaling server, e.g. http://203.0.113.7:8787 (run one with: p2p-tunnel signal).").build());
    spec.addOption(Cli.flag(new String[] {"--offline"}, () -> offline, v -> offline = v,
        "No server: exchange tokens by copy and paste (chat, e-mail).").build());
    spec.addOption(Cli.list("--rendezvous", "URL", () -> rendezvous, v -> rendezvous = v, "MQTT broker to meet "
        + "through, mqtts://HOST[:PORT] or mqtt://HOST[:PORT]; repeat for several (default, without --signal and "
        + "--offline: well-known public brokers over TLS). End-to-end encrypted: brokers see neither addresses nor "
        + "names.").build());
    spec.addOption(Cli.option("--rendezvous-ca", "FILE", Path.class, () -> rendezvousCa, v -> rendezvousCa = v,
        "Trust the CA certificates in this PEM file for mqtts:// brokers instead of the system's (a self-hosted "
            + "broker).").build());
    spec.addOption(Cli.option("--find-timeout", "DURATION", String.class, () -> findTimeout, v -> findTimeout = v,
        "Client, rendezvous: how long to look for the host of the Session ID before saying that no host answers "
            + "(default: 30s).").build());
  }

  /** Usage errors in the choice of signaling, before anything starts. */
  void check() {
    if (signal != null && offline) {
      throw usage("--signal and --offline exclude each other; choose one");
    }
    if ((!rendezvous.isEmpty() || rendezvousCa != null) && (signal != null || offline)) {
      throw usage("--rendezvous and --rendezvous-ca are for rendezvous, the default; they exclude "
          + (offline ? "--offline" : "--signal"));
    }
    if (findTimeout != null && (signal != null || offline)) {
      throw usage("--find-timeout is for rendezvous, the default; it excludes " + (offline ? "--offline" : "--signal"));
    }
    if (signal != null) {
      server();
    }
    if (rendezvous()) {
      choice = RendezvousChoice.of(rendezvous, rendezvousCa,
          findTimeout == null ? null : Durations.parse(findTimeout, "--find-timeout", this::usage), this::usage);
    }
  }

  /** Whether joins go through MQTT brokers: neither --signal nor --offline. */
  boolean rendezvous() {
    return signal == null && !offline;
  }

  /**
   * The host's signaling. On a server this creates the session (blocking until the server answers) and prints
   * the Session ID for the host to pass on.
   */
  HostSignaling host(ConsoleInput input, Console console, int maxClients, int port, byte @Nullable [] claim) {
    check();
    if (offline) {
      return new ConsoleHostSignaling(input, console);
    }
    if (choice != null) {
      return choice.host(console, port, claim);
    }
    URI server = server();
    warmUpJson(); // overlaps the HTTP client's creation, the other ~150 ms before the first call
    HttpHostSignaling session;
    try {
      HttpHostSignaling.Builder builder = HttpHostSignaling.builder(server).maxClients(maxClients)
          .statusListener(new SignalingStatusListener() {
            @Override
            public void onUnreachable(String reason) {
              console.event("signaling server unreachable (" + reason + "); the session and its clients stay, "
                  + "trying again");
            }

            @Override
            public void onReachable(java.time.Duration outage, boolean renewed) {
              console.event("signaling server reachable again after " + outage.toSeconds() + " s"
                  + (renewed ? " (it had lost the session: created again, same Session ID)" : ""));
            }
          });
      if (claim != null) {
        builder.claim(claim);
      }
      session = builder.create();
    } catch (WebRtcException e) {
      throw new UserError("cannot open a session on the signaling server " + server + ": " + e.getMessage()
          + "; check the URL and that 'p2p-tunnel signal' runs there", e);
    }
    console.result("Session ID: " + session.sessionId());
    console.info("Give it to the client, who runs: p2p-tunnel client --signal " + server + " --session "
        + session.sessionId() + (port > 0 ? " --port " + port : ""));
    return session;
  }

  /** The client's signaling, joining {@code session} on a server (unused offline). */
  Signaling client(@Nullable String session, ConsoleInput input, Console console) {
    check();
    if (offline) {
      if (session != null) {
        throw usage("--session is for rendezvous and --signal; offline there is no session ID");
      }
      return new ConsoleClientSignaling(input, console);
    }
    if (choice != null) {
      if (session == null) {
        throw usage("choose how to reach the host: --session ID (what the host printed), --signal URL --session ID "
            + "for a signaling server, or --offline");
      }
      return choice.client(session, console);
    }
    if (session == null) {
      throw usage("--signal needs --session ID (the host prints it)");
    }
    try {
      HttpSignaling signaling = new HttpSignaling(server(), session);
      // First used after ICE gathering: its HTTP client and Jackson are made ready meanwhile (docs/PERFORMANCE.md).
      Thread thread = new Thread(() -> {
        try {
          signaling.prepare();
        } catch (RuntimeException ignored) {
          // only a warm-up: the real call reports whatever is wrong
        }
      }, "p2p-tunnel-signaling-warmup");
      thread.setDaemon(true);
      thread.start();
      return signaling;
    } catch (IllegalArgumentException e) {
      throw usage("--session " + session + ": not a Session ID" + e.getMessage().substring(e.getMessage()
          .indexOf(" (")));
    }
  }

  /**
   * Jackson's first use costs ~150 ms of class loading: the demo pays it on a short-lived thread of its own while
   * the tunnel starts (the library starts no thread for it).
   */
  private static void warmUpJson() {
    Thread thread = new Thread(() -> {
      try {
        HttpSignaling.warmUp();
      } catch (RuntimeException ignored) {
        // only a warm-up: the real call reports whatever is wrong
      }
    }, "p2p-tunnel-json-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  private URI server() {
    String url = signal == null ? "" : signal;
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw usage("--signal " + url + ": not an http(s) URL (expected: http://HOST:PORT)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw usage("--signal " + url + ": not a URL (expected: http://HOST:PORT)");
    }
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: injected by picocli)");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
