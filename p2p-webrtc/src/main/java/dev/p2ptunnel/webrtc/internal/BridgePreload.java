package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.HostBridge;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bridge's classes loaded while a join is under way (issue 15, docs/PERFORMANCE.md "Start, fourth session"): the
 * client from the moment its join is sent, the host from the moment a join arrives (before anyone decided), each on
 * a short-lived daemon thread ({@code p2p-tunnel-preload}), so that the bridge's start after pairing does not load
 * them on the setup's critical path. Once per role and JVM ({@link StartOverlap#once}). Thread-safe.
 */
final class BridgePreload {
  private static final AtomicBoolean CLIENT = new AtomicBoolean();
  private static final AtomicBoolean HOST = new AtomicBoolean();

  private BridgePreload() {}

  /**
   * Starts preloading {@code host}'s role (false: the client's) unless done or under way, or the overlap is off
   * ({@link StartOverlap#overlapOn}); returns at once.
   */
  static void inBackground(boolean host) {
    StartOverlap.once(host ? HOST : CLIENT, "p2p-tunnel-preload", "preloading the bridge", () -> {
      if (host) {
        HostBridge.preload();
      } else {
        ClientBridge.preload();
      }
      SetupTrace.step("bridge", "classes preloaded,", host ? "host" : "client");
    });
  }
}
