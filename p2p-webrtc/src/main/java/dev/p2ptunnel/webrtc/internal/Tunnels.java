package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.webrtc.ClientOptions;
import java.nio.channels.ServerSocketChannel;
import org.jspecify.annotations.Nullable;

/** Assembles tunnel ends for the API's {@code Tunnel}. Stateless. */
public final class Tunnels {
  private Tunnels() {}

  /**
   * The client's tunnel, not started: it joins as {@code options} say, bridges the connections of {@code server}
   * (bound; null: the named mappings only), which stays open through every reconnection, and gets its path back by
   * itself: its core's keeper is a {@link ClientReconnector}.
   */
  public static TunnelCore client(ClientOptions options, @Nullable ServerSocketChannel server) {
    ClientReconnector[] keeper = new ClientReconnector[1];
    // The mappings (services) sit in front of the user's bridge listener; the bridge is started once and survives
    // every reconnection, so its mappings do too.
    ClientMapper mapper = new ClientMapper(options);
    TunnelCore core = new TunnelCore("p2p-tunnel-client", c -> {
      ClientFlow.Joined joined = ClientFlow.connect(c, options);
      keeper[0].joined(joined);
      return joined.connected();
    }, (channel, events) -> {
      BridgeConfig config = options.bridge().toBuilder().listener(BridgeListeners.both(mapper, events)).build();
      ClientBridge bridge = server != null ? ClientBridge.start(channel, server, config)
          : ClientBridge.start(channel, config);
      mapper.attach(bridge);
      return bridge;
    }, options.plugins());
    keeper[0] = new ClientReconnector(core, options);
    if (!options.bridge().resumeGrace().isZero()) {
      core.keeper(keeper[0]); // without a grace period nothing is kept to come back to: the loss ends the tunnel
    } else {
      keeper[0].closed("resuming is off");
    }
    return core;
  }
}
