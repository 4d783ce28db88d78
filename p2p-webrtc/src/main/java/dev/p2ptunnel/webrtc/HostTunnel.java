package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.internal.HostRuntime;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The host end of a tunnel: shares {@link #target()} with up to {@link HostOptions#maxClients()} clients at once,
 * each with its own session and bridge ({@link #clients()}). It is OPEN once a first client's channel has opened;
 * {@link #stats()} sums over the connected clients. Closing it disconnects every client and closes its signaling.
 * Thread-safe. See {@link TunnelHandle}.
 */
public final class HostTunnel implements TunnelHandle {
  private final HostRuntime runtime;
  private final InetSocketAddress target;

  HostTunnel(HostRuntime runtime, InetSocketAddress target) {
    this.runtime = runtime;
    this.target = target;
  }

  /** The shared service. */
  public InetSocketAddress target() {
    return target;
  }

  /** The clients connected or connecting now. */
  public List<ClientConnection> clients() {
    return runtime.clients();
  }

  @Override
  public State state() {
    return runtime.state();
  }

  @Override
  public CompletableFuture<Void> opened() {
    return runtime.opened().copy();
  }

  @Override
  public void awaitOpen(Duration timeout) throws InterruptedException, TimeoutException {
    runtime.awaitOpen(timeout);
  }

  @Override
  public @Nullable BridgeStats stats() {
    return runtime.stats();
  }

  @Override
  public CompletableFuture<PathType> path() {
    return runtime.path();
  }

  @Override
  public CompletableFuture<String> closed() {
    return runtime.closed().copy();
  }

  @Override
  public @Nullable String awaitClosed(Duration timeout) throws InterruptedException {
    return runtime.awaitClosed(timeout);
  }

  @Override
  public void close() {
    runtime.close("closed locally");
  }
}
