package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.internal.TunnelCore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** The host end of a tunnel: shares {@link #target()} with the peer. Thread-safe. See {@link TunnelHandle}. */
public final class HostTunnel implements TunnelHandle {
  private final TunnelCore core;
  private final InetSocketAddress target;

  HostTunnel(TunnelCore core, InetSocketAddress target) {
    this.core = core;
    this.target = target;
  }

  /** The shared service. */
  public InetSocketAddress target() {
    return target;
  }

  @Override
  public State state() {
    return core.state();
  }

  @Override
  public CompletableFuture<Void> opened() {
    return core.opened().copy();
  }

  @Override
  public void awaitOpen(Duration timeout) throws InterruptedException, TimeoutException {
    core.awaitOpen(timeout);
  }

  @Override
  public @Nullable BridgeStats stats() {
    return core.stats();
  }

  @Override
  public CompletableFuture<PathType> path() {
    return core.path();
  }

  @Override
  public CompletableFuture<String> closed() {
    return core.closed().copy();
  }

  @Override
  public @Nullable String awaitClosed(Duration timeout) throws InterruptedException {
    return core.awaitClosed(timeout);
  }

  @Override
  public void close() {
    core.close("closed locally");
  }
}
