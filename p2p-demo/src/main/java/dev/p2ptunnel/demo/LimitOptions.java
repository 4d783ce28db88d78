package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.RateLimit;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The host's per-client limits and the UDP idle timeout, as options. Filled by picocli; then read once. */
final class LimitOptions {
  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
      description = "Connections one client may have open at once; more are refused, saying why "
          + "(default: ${DEFAULT-VALUE}).")
  int maxConnections = PeerLimits.DEFAULT_MAX_SOCKETS;

  @Option(names = "--connect-rate", paramLabel = "N", defaultValue = "500",
      description = "New connections per second one client may open (and N at once); beyond it they are refused, "
          + "and a client that keeps on is disconnected (default: ${DEFAULT-VALUE}). Raise it for load tests.")
  int connectRate = 500;

  @Option(names = "--max-flows", paramLabel = "N", defaultValue = "256",
      description = "UDP flows (source addresses of a client's applications) at once (default: ${DEFAULT-VALUE}).")
  int maxFlows = PeerLimits.DEFAULT_MAX_FLOWS;

  @Option(names = "--udp-idle-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "A UDP flow without a datagram either way for this long is closed (default: ${DEFAULT-VALUE}).")
  String udpIdleTimeout = "60s";

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
