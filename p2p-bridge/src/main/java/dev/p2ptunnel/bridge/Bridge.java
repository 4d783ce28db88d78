package dev.p2ptunnel.bridge;

import dev.p2ptunnel.bridge.internal.Engine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A running bridge, either role: one loop thread that carries every TCP connection of its side over one
 * {@link MessageChannel}. Thread-safe; {@link #close()} is idempotent and releases the thread, every socket and the
 * channel.
 */
public abstract sealed class Bridge implements AutoCloseable permits ClientBridge, HostBridge {
  private final Engine engine;

  Bridge(Engine engine) {
    this.engine = engine;
  }

  /**
   * A snapshot of the counters, taken on the loop thread (or the last one, once closed). Cheap whatever the number
   * of sockets: made for sampling every second.
   */
  public final BridgeStats stats() {
    return engine.stats();
  }

  /**
   * One entry per open socket, taken on the loop thread (empty once closed). Costs the loop time in proportion to
   * the open sockets (10 000 of them: 10 000 records): for a look at the sockets, not for sampling every second.
   */
  public final List<BridgeStats.SocketStats> socketStats() {
    return engine.socketStats();
  }

  /**
   * Hands the bridge a new channel to the same peer, replacing the current one (which is closed), e.g. a new WebRTC
   * session after the old one failed. With the resume extension in use ({@link BridgeConfig#resumeGrace()}) every
   * socket carries on over it: both sides tell each other what they received and send the rest again, so no byte is
   * lost, repeated or reordered; sockets the peer no longer has are closed. Without it, or when the peer turns out to
   * be another bridge (it restarted), the old sockets are closed and new ones use the channel. Returns at once; the
   * bridge starts the channel ({@link MessageChannel#start}) on its loop. A closed bridge closes the channel.
   */
  public final void attach(MessageChannel channel) {
    engine.attach(channel);
  }

  /**
   * One entry per UDP flow (empty once closed), taken on the loop thread; costs the loop time in proportion to the
   * flows (at most {@link PeerLimits#maxFlows()}).
   */
  public final List<BridgeStats.FlowStats> flowStats() {
    return engine.flowStats();
  }

  /** Whether the bridge still runs. */
  public final boolean isOpen() {
    return engine.isOpen();
  }

  /** Completes with the reason once the bridge has closed and released everything. */
  public final CompletionStage<String> closed() {
    return engine.closedFuture().copy();
  }

  /**
   * Waits until the bridge has closed.
   *
   * @return the reason, or null if it was still open after {@code timeout}
   */
  public final @Nullable String awaitClosed(Duration timeout) throws InterruptedException {
    try {
      return engine.closedFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Closes every socket and the channel, and stops the loop; waits (up to 5 s) for the loop to finish. */
  @Override
  public final void close() {
    close("closed locally");
  }

  /**
   * As {@link #close()}, with the reason the bridge closes with (and that a peer of ours is told, with the resume
   * extension in use).
   */
  public final void close(String reason) {
    engine.requestClose(reason);
    try {
      engine.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
