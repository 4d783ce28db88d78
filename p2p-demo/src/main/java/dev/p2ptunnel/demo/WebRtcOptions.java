package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** How the peers find a path to each other: STUN and TURN servers, and how long they may take. Set by picocli. */
final class WebRtcOptions {
  @Nullable CommandSpec spec;

  List<String> stun = new ArrayList<>();

  boolean noStun;

  @Nullable String turn;

  @Nullable String turnUser;

  @Nullable String turnPass;

  boolean relayOnly;

  String connectTimeout = "15s";

  /** Adds these options to {@code spec}, whose command line reports their usage errors. */
  void addTo(CommandSpec spec) {
    this.spec = spec;
    spec.addOption(Cli.list("--stun", "URL", () -> stun, v -> stun = v, "STUN server, e.g. "
        + "stun:stun.example.org:3478; repeat for more. Default: public Google and Cloudflare servers.").build());
    spec.addOption(Cli.flag(new String[] {"--no-stun"}, () -> noStun, v -> noStun = v,
        "Use no STUN server: only this machine's own addresses (same LAN, VPN, tests).").build());
    spec.addOption(Cli.option("--turn", "URL", String.class, () -> turn, v -> turn = v, "TURN relay, e.g. "
        + "turn:turn.example.org:3478, for networks where a direct path fails (symmetric NAT, strict firewall).")
        .build());
    spec.addOption(Cli.option("--turn-user", "U", String.class, () -> turnUser, v -> turnUser = v,
        "TURN user name.").build());
    spec.addOption(Cli.option("--turn-pass", "P", String.class, () -> turnPass, v -> turnPass = v,
        "TURN password.").build());
    spec.addOption(Cli.flag(new String[] {"--relay-only"}, () -> relayOnly, v -> relayOnly = v,
        "Connect only through the TURN relay: the peer never learns your addresses.").build());
    spec.addOption(Cli.option("--connect-timeout", "DURATION", String.class, () -> connectTimeout,
        v -> connectTimeout = v, "How long the peers may take to open their channel once the descriptions are "
            + "exchanged; after it the tunnel did not open (default: ${DEFAULT-VALUE}).").build());
  }

  /** The configuration with the default reconnect settings; bad combinations are usage errors. */
  WebRtcConfig config() {
    return config(WebRtcConfig.Reconnect.defaults());
  }

  /** The configuration; bad combinations are usage errors. */
  WebRtcConfig config(WebRtcConfig.Reconnect reconnect) {
    List<WebRtcConfig.IceServer> servers = new ArrayList<>();
    if (noStun && !stun.isEmpty()) {
      throw usage("--stun and --no-stun exclude each other; choose one");
    }
    if (!noStun) {
      if (stun.isEmpty()) {
        servers.addAll(WebRtcConfig.DEFAULT_ICE_SERVERS);
      }
      for (String url : stun) {
        if (!url.startsWith("stun:") && !url.startsWith("stuns:")) {
          throw usage("--stun " + url + ": not a STUN URL (expected: stun:HOST[:PORT])");
        }
        servers.add(WebRtcConfig.IceServer.stun(url));
      }
    }
    if (turn != null) {
      if (!turn.startsWith("turn:") && !turn.startsWith("turns:")) {
        throw usage("--turn " + turn + ": not a TURN URL (expected: turn:HOST[:PORT] or turns:HOST[:PORT])");
      }
      if (turnUser == null || turnPass == null) {
        throw usage("--turn needs --turn-user and --turn-pass");
      }
      servers.add(WebRtcConfig.IceServer.turn(turn, turnUser, turnPass));
    } else if (turnUser != null || turnPass != null) {
      throw usage("--turn-user and --turn-pass need --turn URL");
    }
    if (relayOnly && turn == null) {
      throw usage("--relay-only needs a TURN relay: add --turn URL --turn-user U --turn-pass P");
    }
    return WebRtcConfig.builder().iceServers(servers).relayOnly(relayOnly).reconnect(reconnect)
        .connectTimeout(Durations.parse(connectTimeout, "--connect-timeout", this::usage)).build();
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: injected by picocli)");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
