package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.RateLimit;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The host's per-client limits and the UDP idle timeout, as options. Filled by picocli; then read once. */
final class LimitOptions {
  int maxConnections = PeerLimits.DEFAULT_MAX_SOCKETS;

  private static final int DEFAULT_CONNECT_RATE = 500;

  int connectRate = DEFAULT_CONNECT_RATE;

  int maxFlows = PeerLimits.DEFAULT_MAX_FLOWS;

  String udpIdleTimeout = "60s";

  /** Adds these options to {@code spec}; picocli sets the fields while it parses. */
  void addTo(CommandSpec spec) {
    spec.addOption(Cli.option("--max-connections", "N", int.class, () -> maxConnections, v -> maxConnections = v,
        "Connections one client may have open at once; more are refused, saying why (default: ${DEFAULT-VALUE}).")
        .build());
    spec.addOption(Cli.option("--connect-rate", "N", int.class, () -> connectRate, v -> connectRate = v,
        "New connections per second one client may open (and N at once); beyond it they are refused, and a client "
            + "that keeps on is disconnected (default: ${DEFAULT-VALUE}). Raise it for load tests.").build());
    spec.addOption(Cli.option("--max-flows", "N", int.class, () -> maxFlows, v -> maxFlows = v,
        "UDP flows (source addresses of a client's applications) at once (default: ${DEFAULT-VALUE}).")
        .build());
    spec.addOption(Cli.option("--udp-idle-timeout", "DURATION", String.class, () -> udpIdleTimeout,
        v -> udpIdleTimeout = v, "A UDP flow without a datagram either way for this long is closed (default: "
            + "${DEFAULT-VALUE}).").build());
  }

  /** {@code base} (the resilience options' bridge settings) with these limits. */
  BridgeConfig bridge(BridgeConfig base, Function<String, ParameterException> usage) {
    Ranges.check("--max-connections", maxConnections, 1, 65_536, usage);
    Ranges.check("--connect-rate", connectRate, 1, 1_000_000, usage);
    Ranges.check("--max-flows", maxFlows, 1, 65_536, usage);
    Duration idle = Durations.parse(udpIdleTimeout, "--udp-idle-timeout", usage);
    PeerLimits limits = PeerLimits.defaults().withMaxSockets(maxConnections).withMaxFlows(maxFlows)
        .withConnects(new RateLimit(connectRate, connectRate));
    return base.toBuilder().peerLimits(limits).udpIdleTimeout(idle).build();
  }
}
