package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.Bridge;
import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.MappedPort;
import dev.p2ptunnel.bridge.Mapping;
import dev.p2ptunnel.bridge.SharedService;
import dev.p2ptunnel.webrtc.internal.Callbacks;
import dev.p2ptunnel.webrtc.internal.TunnelCore;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The client end of a tunnel: the user's apps connect to its mapped ports ({@link #localAddress()} for the default
 * mapping, {@link #mappings()} for all). Mappings can be added and removed while it runs. It never closes the
 * {@link Signaling} it was given ({@link ClientOptions.Builder#signaling}). close() waits at most
 * {@link ClientOptions#closeTimeout()} (10 s by default). Thread-safe.
 * See {@link TunnelHandle}.
 */
public final class ClientTunnel extends TunnelHandleBase implements TunnelHandle {
  private final TunnelCore core;
  private final @Nullable InetSocketAddress localAddress;

  ClientTunnel(TunnelCore core, @Nullable InetSocketAddress localAddress, Callbacks callbacks) {
    super(core, callbacks);
    this.core = core;
    this.localAddress = localAddress;
  }

  /**
   * Where the user's app connects for the host's default service (the default mapping, bound at once), or null when
   * the tunnel was made without one ({@link ClientOptions#builder()}).
   */
  public @Nullable InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * The short authentication string to compare with the host's (see {@link ShortAuthString}), once the host's answer
   * has arrived; null before.
   */
  public @Nullable String shortAuthString() {
    return core.shortAuthString();
  }

  /**
   * The host's services, once the tunnel is open and the host's list has arrived; fails if the tunnel does not open
   * or the host sends no list (an original host: only the default mapping works).
   */
  public CompletionStage<List<SharedService>> services() {
    return core.opened().thenCompose(opened -> bridge().services());
  }

  /**
   * Maps a local port to a service of the host, now or once the tunnel is open: completes with the mapped port, or
   * fails saying why (port in use, service not shared, tunnel closed).
   */
  public CompletionStage<MappedPort> map(Mapping mapping) {
    return core.opened().thenCompose(opened -> bridge().map(mapping));
  }

  /**
   * Removes a mapping: its port stops listening (open connections stay until they end) or its UDP flows end.
   * Completes with whether it was in place.
   */
  public CompletionStage<Boolean> unmap(MappedPort port) {
    return core.opened().thenCompose(opened -> bridge().unmap(port.local(), port.protocol()));
  }

  /** The mappings in place; empty before the tunnel opens and once it closed. */
  public List<MappedPort> mappings() {
    Bridge b = core.bridge();
    return b instanceof ClientBridge client ? client.mappings() : List.of();
  }

  /** The UDP flows now (one per local source address that sent to a UDP mapping); empty when none. */
  public List<BridgeStats.FlowStats> flowStats() {
    Bridge b = core.bridge();
    return b == null ? List.of() : b.flowStats();
  }

  private ClientBridge bridge() {
    Bridge b = core.bridge();
    if (!(b instanceof ClientBridge client)) {
      throw new IllegalStateException("bridge: " + b + " (expected: the client's, once open)");
    }
    return client;
  }
}
