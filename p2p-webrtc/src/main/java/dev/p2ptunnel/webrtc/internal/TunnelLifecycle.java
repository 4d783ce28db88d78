package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import dev.p2ptunnel.webrtc.PathType;
import dev.p2ptunnel.webrtc.TunnelHandle;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** What a tunnel handle exposes, whichever side: implemented by {@link TunnelCore} and {@link HostRuntime}. */
public interface TunnelLifecycle {
  TunnelHandle.State state();

  /** Since when it is {@link TunnelHandle.State#RECONNECTING}, or null. */
  default java.time.@Nullable Instant reconnectingSince() {
    return null;
  }

  CompletableFuture<Void> opened();

  @Nullable BridgeStats stats();

  CompletableFuture<PathType> path();

  CompletableFuture<String> closed();

  void close(String reason);

  /** Waits for {@link #opened()}; a failure to open is rethrown as the {@link WebRtcException} it is. */
  default void awaitOpen(Duration timeout) throws InterruptedException, TimeoutException {
    try {
      opened().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new WebRtcException(String.valueOf(cause), cause);
    }
  }

  /** Waits for {@link #closed()}: the reason, or null after {@code timeout}. */
  default @Nullable String awaitClosed(Duration timeout) throws InterruptedException {
    try {
      return closed().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
