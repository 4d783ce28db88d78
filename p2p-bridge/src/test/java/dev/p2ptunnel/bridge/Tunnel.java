package dev.p2ptunnel.bridge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A host and a client bridge joined by an in-memory channel pair, as one test fixture. The short constructor lifts the
 * host's per-client limits ({@link PeerLimits#generous()}): its tests open connections by the thousand.
 */
final class Tunnel implements AutoCloseable {
  final InMemoryChannel.Pair pair;
  final HostBridge host;
  final ClientBridge client;

  Tunnel(InetSocketAddress service, BridgeConfig hostConfig, BridgeConfig clientConfig,
      InMemoryChannel.Config channelConfig) throws IOException {
    pair = InMemoryChannel.pair(channelConfig);
    host = HostBridge.start(pair.first(), service, hostConfig);
    client = ClientBridge.start(pair.second(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        clientConfig);
  }

  Tunnel(InetSocketAddress service) throws IOException {
    this(service, BridgeConfig.builder().peerLimits(PeerLimits.generous()).build(), BridgeConfig.defaults(),
        InMemoryChannel.Config.defaults());
  }

  InetSocketAddress address() {
    return java.util.Objects.requireNonNull(client.localAddress(), "localAddress");
  }

  @Override
  public void close() {
    client.close();
    host.close();
  }
}
