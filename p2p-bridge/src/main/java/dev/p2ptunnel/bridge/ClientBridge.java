package dev.p2ptunnel.bridge;

import dev.p2ptunnel.bridge.internal.Engine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The client side: listens on local ports and carries every connection (and UDP datagram) made there over the channel
 * to the host, which re-creates it against the service the port is mapped to. A client started with a port has its
 * default mapping there (the host's default service, the only one an original host has); {@link #map} adds mappings
 * to the host's named services, which the client learns once the channel is open ({@link #services()}). Thread-safe.
 *
 * <pre>{@code
 * try (ClientBridge client = ClientBridge.start(channel, new InetSocketAddress("127.0.0.1", 25565),
 *     BridgeConfig.defaults())) {
 *   System.out.println("connect your app to " + client.localAddress());
 *   client.awaitClosed(Duration.ofDays(365));
 * }
 * }</pre>
 */
public final class ClientBridge extends Bridge {
  private final @Nullable InetSocketAddress localAddress;
  private final Engine engine;

  private ClientBridge(Engine engine, @Nullable InetSocketAddress localAddress) {
    super(engine);
    this.engine = engine;
    this.localAddress = localAddress;
  }

  /**
   * Binds {@code bind} (port 0 for an ephemeral port) and starts bridging over {@code channel}.
   *
   * @throws IOException if the address cannot be bound, with the address in the message
   */
  public static ClientBridge start(MessageChannel channel, InetSocketAddress bind, BridgeConfig config)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(config, "config");
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(bind, 1024);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
    }
    return start(channel, server, config);
  }

  /**
   * Starts bridging over {@code channel} the connections of an already bound {@code server}, which the bridge then
   * owns and closes. Lets a caller bind the local port (and report a port in use) before the channel exists;
   * connections arriving meanwhile wait in the listen backlog.
   */
  public static ClientBridge start(MessageChannel channel, ServerSocketChannel server, BridgeConfig config)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(config, "config");
    InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
    if (bound == null) {
      throw new IllegalArgumentException("server: not bound (expected: a bound ServerSocketChannel)");
    }
    Engine engine = Engine.client(channel, server, config);
    engine.start();
    return new ClientBridge(engine, bound);
  }

  /**
   * Starts bridging over {@code channel} without a default mapping: ports are added with {@link #map}, for instance
   * once {@link #services()} says what the host shares.
   */
  public static ClientBridge start(MessageChannel channel, BridgeConfig config) throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(config, "config");
    Engine engine = Engine.client(channel, null, config);
    engine.start();
    return new ClientBridge(engine, null);
  }

  /**
   * Loads and initializes, on the calling thread, the classes that starting a client bridge uses, so that an app that
   * knows one will start soon (a tunnel whose join is under way) takes that cost off the start: ~150 classes, tens of
   * ms on an idle machine and several hundred under load. Opens no socket and sends nothing (an engine with no peer
   * is started and closed; its close is one DEBUG line). Once per JVM: later calls return at once. Thread-safe.
   *
   * @throws IOException if a selector cannot be opened
   */
  public static void preload() throws IOException {
    dev.p2ptunnel.bridge.internal.Preload.run(false);
  }

  /** Starts on 127.0.0.1 with an ephemeral port and default settings. */
  public static ClientBridge start(MessageChannel channel) throws IOException {
    return start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BridgeConfig.defaults());
  }

  /**
   * The default mapping's bound local address (what the user's app connects to), or null for a client started
   * without one.
   */
  public @Nullable InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * The host's services, once its list arrives (right after the channel opens); the stage fails if the host will send
   * none (an original host, or one without our extensions: only the default mapping works then). Dependent stages run
   * on the bridge's loop thread unless made async: they must not block.
   */
  public CompletionStage<List<SharedService>> services() {
    return engine.services().copy();
  }

  /**
   * Adds a mapping: binds its port (for a named service, once the host's list says whether it is TCP or UDP) and
   * carries what arrives there to the service. Completes with the mapped port, or fails saying why: the port is in
   * use (unless {@link Mapping#nextFreePort()}), the host does not share the service, the bridge closed. Dependent
   * stages run on the bridge's loop thread unless made async.
   */
  public CompletionStage<MappedPort> map(Mapping mapping) {
    return engine.map(mapping);
  }

  /**
   * Removes the mapping bound to {@code local} with {@code protocol}: its port stops listening (its connections stay
   * open until they end), or its UDP flows end. Completes with whether there was such a mapping.
   */
  public CompletionStage<Boolean> unmap(InetSocketAddress local, Service.Protocol protocol) {
    return engine.unmap(local, protocol);
  }

  /** The mappings in place, listed on the loop thread; empty once closed. */
  public List<MappedPort> mappings() {
    return engine.mappings();
  }
}
