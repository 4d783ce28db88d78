package dev.p2ptunnel.bridge;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A running bridge, either role: one loop thread that carries every TCP connection of its side over one
 * {@link MessageChannel}. Thread-safe; {@link #close()} is idempotent and releases the thread, every socket and the
 * channel.
 */
public sealed interface Bridge extends AutoCloseable permits ClientBridge, HostBridge {
  /** A snapshot of the counters; cheap, taken on the loop thread (or the last one, once closed). */
  BridgeStats stats();

  /** Whether the bridge still runs. */
  boolean isOpen();

  /** Completes with the reason once the bridge has closed and released everything. */
  CompletionStage<String> closed();

  /**
   * Waits until the bridge has closed.
   *
   * @return the reason, or null if it was still open after {@code timeout}
   */
  @org.jspecify.annotations.Nullable
  String awaitClosed(Duration timeout) throws InterruptedException;

  /** Closes every socket and the channel, and stops the loop; waits for the loop to finish. */
  @Override
  void close();
}
