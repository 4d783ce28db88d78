package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.BridgeStats;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A running tunnel end, as {@link Tunnel#host} and {@link Tunnel#client} return it: the WebRTC session, its
 * DataChannel and the bridge over it, under one lifecycle. Thread-safe; {@link #close()} is idempotent and releases
 * every socket, thread and native object.
 */
public sealed interface TunnelHandle extends AutoCloseable permits HostTunnel, ClientTunnel {
  /** Where a tunnel end is in its life. */
  enum State {
    /** Exchanging descriptions through signaling, or waiting for the DataChannel to open. */
    CONNECTING,
    /** The DataChannel is open and the bridge carries connections. */
    OPEN,
    /**
     * The connection to the peer is lost for now: every connection is kept (none is read) while the tunnel restarts
     * ICE or rejoins (client) or waits for the peer (host), until it is back (OPEN, nothing lost) or the grace period
     * ({@code BridgeConfig.resumeGrace}) passes (CLOSED).
     */
    RECONNECTING,
    /** Closed (see {@link #closed()} for why); everything is released. */
    CLOSED
  }

  /** The current state. */
  State state();

  /** Since when the tunnel is {@link State#RECONNECTING} (client), or null. */
  java.time.@Nullable Instant reconnectingSince();

  /** Completes once the tunnel is {@link State#OPEN}; exceptionally if it closes before that. */
  CompletableFuture<Void> opened();

  /**
   * Waits until the tunnel is open.
   *
   * @throws TimeoutException if it is not open within {@code timeout}
   * @throws WebRtcException if it closed before opening, with the reason
   */
  void awaitOpen(Duration timeout) throws InterruptedException, TimeoutException;

  /** The bridge's counters, or null before the tunnel has opened. */
  @Nullable BridgeStats stats();

  /** Whether the peers talk directly or through a TURN relay; fails if the tunnel is not open. */
  CompletableFuture<PathType> path();

  /** Completes with the reason once the tunnel has closed and released everything; never exceptionally. */
  CompletableFuture<String> closed();

  /**
   * Waits until the tunnel has closed.
   *
   * @return the reason, or null if it was still running after {@code timeout}
   */
  @Nullable String awaitClosed(Duration timeout) throws InterruptedException;

  /**
   * Closes the bridge and the session; returns once everything is released, or after a bound at most
   * ({@link ClientOptions#closeTimeout()}, 10 s by default, for a client tunnel; {@link HostOptions#closeTimeout()},
   * 15 s by default, for a host tunnel, whose clients close in parallel), logging what is still closing, which then
   * goes on in the background. Idempotent; may be called from a listener.
   */
  @Override
  void close();

  /**
   * Starts {@link #close()} on a thread of its own and returns at once: the future is {@link #closed()}, completing
   * with the reason on the tunnel's callback executor once everything is released.
   */
  CompletableFuture<String> closeAsync();
}
