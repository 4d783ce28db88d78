package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.internal.TunnelCore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The client end of a tunnel: the user's app connects to {@link #localAddress()}. Thread-safe. See
 * {@link TunnelHandle}.
 */
public final class ClientTunnel implements TunnelHandle {
  private final TunnelCore core;
  private final InetSocketAddress localAddress;

  ClientTunnel(TunnelCore core, InetSocketAddress localAddress) {
    this.core = core;
    this.localAddress = localAddress;
  }

  /** Where the user's app connects: the bound address and port. */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * The short authentication string to compare with the host's (see {@link ShortAuthString}), once the host's answer
   * has arrived; null before.
   */
  public @Nullable String shortAuthString() {
    return core.shortAuthString();
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
