package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.internal.Callbacks;
import dev.p2ptunnel.webrtc.internal.TunnelLifecycle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** The {@link TunnelHandle} methods both ends share, delegating to their lifecycle. */
abstract class TunnelHandleBase {
  private final TunnelLifecycle lifecycle;
  private final Callbacks callbacks;

  TunnelHandleBase(TunnelLifecycle lifecycle, Callbacks callbacks) {
    this.lifecycle = lifecycle;
    this.callbacks = callbacks;
  }

  /** See {@link TunnelHandle#state()}. */
  public final TunnelHandle.State state() {
    return lifecycle.state();
  }

  /** See {@link TunnelHandle#reconnectingSince()}. */
  public final java.time.@Nullable Instant reconnectingSince() {
    return lifecycle.reconnectingSince();
  }

  /** See {@link TunnelHandle#opened()}. */
  public final CompletableFuture<Void> opened() {
    return callbacks.deliver(lifecycle.opened());
  }

  /** See {@link TunnelHandle#awaitOpen(Duration)}. */
  public final void awaitOpen(Duration timeout) throws InterruptedException, TimeoutException {
    lifecycle.awaitOpen(timeout);
  }

  /** See {@link TunnelHandle#stats()}. */
  public final @Nullable BridgeStats stats() {
    return lifecycle.stats();
  }

  /** See {@link TunnelHandle#path()}. */
  public final CompletableFuture<PathType> path() {
    return callbacks.deliver(lifecycle.path());
  }

  /** See {@link TunnelHandle#closed()}. */
  public final CompletableFuture<String> closed() {
    return callbacks.deliver(lifecycle.closed());
  }

  /** See {@link TunnelHandle#awaitClosed(Duration)}. */
  public final @Nullable String awaitClosed(Duration timeout) throws InterruptedException {
    return lifecycle.awaitClosed(timeout);
  }

  /** See {@link TunnelHandle#closeAsync()}. */
  public final CompletableFuture<String> closeAsync() {
    if (!lifecycle.closed().isDone()) {
      Thread closer = new Thread(() -> lifecycle.close("closed locally"), "p2p-tunnel-close");
      closer.setDaemon(true);
      closer.start();
    }
    return closed();
  }

  /** See {@link TunnelHandle#close()}. */
  public final void close() {
    lifecycle.close("closed locally");
  }
}
