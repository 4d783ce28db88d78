package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.ClientOptions;
import java.nio.channels.ServerSocketChannel;
import org.jspecify.annotations.Nullable;

/** Assembles tunnel ends for the API's {@code Tunnel}. Stateless. */
public final class Tunnels {
  private Tunnels() {}

  /**
   * The client's tunnel, not started: it joins as {@code options} say, bridges the connections of {@code server}
   * (bound; null: the named mappings only), which stays open through every reconnection, and gets its path back by itself ({@link ClientReconnector}).
   */
  public static TunnelCore client(ClientOptions options, @Nullable ServerSocketChannel server) {
    return ClientReconnector.client(options, server);
  }
}
