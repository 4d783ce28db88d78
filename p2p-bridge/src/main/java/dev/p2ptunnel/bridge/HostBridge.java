package dev.p2ptunnel.bridge;

import dev.p2ptunnel.bridge.internal.Engine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The host side: for every socket the client opens, dials the one configured target (the shared service) and
 * carries the bytes both ways. The peer cannot choose where the host connects. Thread-safe.
 */
public final class HostBridge extends Bridge {
  private final InetSocketAddress target;

  private HostBridge(Engine engine, InetSocketAddress target) {
    super(engine);
    this.target = target;
  }

  /**
   * Starts bridging {@code channel} to {@code target} (an IPv4 or IPv6 address or a host name, resolved now).
   *
   * @throws UnknownHostException if the target's host name does not resolve
   */
  public static HostBridge start(MessageChannel channel, InetSocketAddress target, BridgeConfig config)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(config, "config");
    InetSocketAddress resolved = target.isUnresolved()
        ? new InetSocketAddress(target.getHostString(), target.getPort())
        : target;
    if (resolved.isUnresolved()) {
      throw new UnknownHostException("cannot resolve target host " + target.getHostString());
    }
    Engine engine = Engine.host(channel, resolved, config);
    engine.start();
    return new HostBridge(engine, resolved);
  }

  /** The service every socket is dialed to. */
  public InetSocketAddress target() {
    return target;
  }
}
