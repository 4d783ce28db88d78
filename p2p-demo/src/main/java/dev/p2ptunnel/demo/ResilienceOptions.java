package dev.p2ptunnel.demo;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * How a tunnel rides out a lost connection (docs/SIGNALING.md, "Reconnecting"): the grace period, the keepalive and
 * the ICE restart interval. Set by picocli ({@link #addTo}).
 */
final class ResilienceOptions {
  @Nullable CommandSpec spec;

  String grace = "2m";

  String keepalive = "5s,15s";

  String iceRestartInterval = "5s";

  /** Adds these options to {@code spec}, whose command line reports their usage errors. */
  void addTo(CommandSpec spec) {
    this.spec = spec;
    spec.addOption(Cli.option("--grace", "DURATION", String.class, () -> grace, v -> grace = v,
        "How long connections are kept when the connection to the peer is lost, waiting for it to come back with "
            + "nothing lost; 0 closes them at once (default: ${DEFAULT-VALUE}).").build());
    spec.addOption(Cli.option("--keepalive", "INTERVAL,TIMEOUT", String.class, () -> keepalive, v -> keepalive = v,
        "Probe the peer after INTERVAL of silence; after TIMEOUT without a sign of life the connection counts as "
            + "lost and reconnecting starts (default: ${DEFAULT-VALUE}).").build());
    spec.addOption(Cli.option("--ice-restart-interval", "DURATION", String.class, () -> iceRestartInterval,
        v -> iceRestartInterval = v, "Client: while the path is down, restart ICE this often, where the signaling "
            + "carries restarts (default: ${DEFAULT-VALUE}).").build());
  }

  /** The bridge settings these options make. */
  BridgeConfig bridge() {
    String[] parts = keepalive.split(",", -1);
    if (parts.length != 2) {
      throw usage("--keepalive " + keepalive + ": not INTERVAL,TIMEOUT (expected e.g. 5s,15s)");
    }
    Duration interval = Durations.parse(parts[0], "--keepalive interval", this::usage);
    Duration timeout = Durations.parse(parts[1], "--keepalive timeout", this::usage);
    if (timeout.compareTo(interval) <= 0) {
      throw usage("--keepalive " + keepalive + ": the timeout must be longer than the interval");
    }
    Duration graceTime = grace.trim().equals("0") ? Duration.ZERO : Durations.parse(grace, "--grace", this::usage);
    return BridgeConfig.builder().keepalive(interval, timeout).resumeGrace(graceTime).build();
  }

  /** The grace period, as the user gave it (for messages). */
  Duration grace() {
    return bridge().resumeGrace();
  }

  /** The reconnect settings these options make. */
  WebRtcConfig.Reconnect reconnect() {
    return WebRtcConfig.Reconnect.builder()
        .iceRestartInterval(Durations.parse(iceRestartInterval, "--ice-restart-interval", this::usage)).build();
  }

  private ParameterException usage(String message) {
    if (spec == null) {
      throw new IllegalStateException("spec: null (expected: injected by picocli)");
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
