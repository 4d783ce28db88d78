package dev.p2ptunnel.bridge;

import dev.p2ptunnel.bridge.internal.Engine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;

/**
 * The client side: listens on a local port and carries every connection accepted there over the channel to the
 * host, which re-creates it against its service. Thread-safe.
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
  private final InetSocketAddress localAddress;

  private ClientBridge(Engine engine, InetSocketAddress localAddress) {
    super(engine);
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

  /** Starts on 127.0.0.1 with an ephemeral port and default settings. */
  public static ClientBridge start(MessageChannel channel) throws IOException {
    return start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BridgeConfig.defaults());
  }

  /** The bound local address: what the user's app connects to. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }
}
