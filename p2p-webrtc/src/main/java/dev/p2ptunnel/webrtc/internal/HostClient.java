package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.ClientConnection;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.TunnelHandle;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One client of a host: its join (the latest: a rejoin of the same identity replaces it) and its tunnel (session and
 * bridge; the session changes with every rejoin, the bridge stays). Thread-safe.
 */
final class HostClient implements ClientConnection {
  volatile HostJoin join;
  final TunnelCore core;
  /** Whether the host approved it (offline, a client connects before the decision); set on the loop thread. */
  volatile boolean approved;
  /** What the host does about its trouble; set once, before its tunnel starts. */
  volatile @Nullable HostKeeper keeper;

  private final Callbacks callbacks;

  HostClient(HostJoin join, TunnelCore core, Callbacks callbacks) {
    this.join = join;
    this.core = core;
    this.callbacks = callbacks;
  }

  @Override
  public String clientName() {
    return join.clientName();
  }

  @Override
  public @Nullable String shortAuthString() {
    return join.code;
  }

  @Override
  public @Nullable String clientAddress() {
    return join.address;
  }

  @Override
  public String clientFingerprint() {
    return join.clientFingerprint;
  }

  @Override
  public boolean trusted() {
    return join.trusted;
  }

  @Override
  public TunnelHandle.State state() {
    return core.state();
  }

  @Override
  public java.time.@Nullable Instant reconnectingSince() {
    return core.reconnectingSince();
  }

  @Override
  public @Nullable BridgeStats stats() {
    return core.stats();
  }

  @Override
  public java.util.List<BridgeStats.FlowStats> flowStats() {
    dev.p2ptunnel.bridge.Bridge bridge = core.bridge();
    return bridge == null ? java.util.List.of() : bridge.flowStats();
  }

  @Override
  public CompletableFuture<PathType> path() {
    return callbacks.deliver(core.path());
  }

  @Override
  public CompletableFuture<String> closed() {
    return callbacks.deliver(core.closed());
  }

  @Override
  public void close() {
    if (callbacks.onOwnThread()) {
      core.closeAsync("disconnected by the host"); // from a listener: the next callbacks must not wait for it
    } else {
      core.close("disconnected by the host");
    }
  }

  @Override
  public String toString() {
    return join.clientName() + (join.code == null ? "" : " (" + join.code + ")");
  }
}
