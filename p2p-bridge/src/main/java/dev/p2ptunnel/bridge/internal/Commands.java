package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What other threads hand to the loop, besides received messages (plain ByteBuffers). */
final class Commands {
  private Commands() {}

  /** The channel drained below its low watermark. */
  static final Object WRITABLE = new Object() {
    @Override
    public String toString() {
      return "WRITABLE";
    }
  };

  /** The channel closed. */
  record ChannelClosed(String reason) {}

  /** Someone asked the bridge to close. */
  record Close(String reason) {}

  /** Someone wants a statistics snapshot. */
  record Stats(CompletableFuture<BridgeStats> result) {}

  /** Someone wants the per-socket view. */
  record SocketStats(CompletableFuture<List<BridgeStats.SocketStats>> result) {}
}
