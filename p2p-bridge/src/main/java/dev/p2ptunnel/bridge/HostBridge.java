package dev.p2ptunnel.bridge;

import dev.p2ptunnel.bridge.internal.Engine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * The host side: for every socket (and UDP flow) the client opens, connects to the service it names among the
 * {@link HostServices} shared, and carries the bytes both ways. The peer names services, never addresses: nothing
 * else is reachable. Thread-safe.
 */
public final class HostBridge extends Bridge {
  private final HostServices services;

  private HostBridge(Engine engine, HostServices services) {
    super(engine);
    this.services = services;
  }

  /**
   * Starts bridging {@code channel} to the one TCP service {@code target} (an IPv4 or IPv6 address or a host name,
   * resolved now), shared as {@value Service#DEFAULT_NAME}.
   *
   * @throws UnknownHostException if the target's host name does not resolve
   */
  public static HostBridge start(MessageChannel channel, InetSocketAddress target, BridgeConfig config)
      throws IOException {
    Objects.requireNonNull(target, "target");
    HostServices services;
    try {
      services = HostServices.of(Service.tcp(Service.DEFAULT_NAME, target.getHostString(), target.getPort()));
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof UnknownHostException) {
        throw new UnknownHostException("cannot resolve target host " + target.getHostString());
      }
      throw e;
    }
    return start(channel, services, config);
  }

  /**
   * Starts bridging {@code channel} to the services {@code services} shares, now and as it changes (several bridges,
   * one per client, may share one registry).
   */
  public static HostBridge start(MessageChannel channel, HostServices services, BridgeConfig config)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(config, "config");
    Engine engine = Engine.host(channel, services, config);
    engine.start();
    return new HostBridge(engine, services);
  }

  /**
   * Loads and initializes, on the calling thread, the classes that starting a host bridge uses (see
   * {@link ClientBridge#preload()}): a host calls it when a join arrives, before the person decides. Opens no socket
   * and sends nothing. Once per JVM: later calls return at once. Thread-safe.
   *
   * @throws IOException if a selector cannot be opened
   */
  public static void preload() throws IOException {
    dev.p2ptunnel.bridge.internal.Preload.run(true);
  }

  /** The services shared (the registry: changing it changes what every bridge on it shares). */
  public HostServices services() {
    return services;
  }

  /**
   * The default service's target (the first TCP service: what an original client reaches), or null if no TCP
   * service is shared.
   */
  public @org.jspecify.annotations.Nullable InetSocketAddress target() {
    HostServices.Snapshot now = services.snapshot();
    SharedService first = now.defaultService();
    return first == null ? null : now.target(first.id());
  }

  /** The services shared now. */
  public List<Service> shared() {
    return services.list();
  }
}
