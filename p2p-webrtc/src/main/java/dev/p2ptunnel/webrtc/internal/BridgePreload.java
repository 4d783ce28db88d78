package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.bridge.ClientBridge;
import dev.p2ptunnel.bridge.HostBridge;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bridge's classes loaded while a join is under way (issue 15, docs/PERFORMANCE.md "Start, fourth session"): the
 * client from the moment its join is sent, the host from the moment a join arrives (before anyone decided), each on
 * a short-lived daemon thread ({@code p2p-tunnel-preload}), so that the bridge's start after pairing does not load
 * them on the setup's critical path. Once per role and JVM. Thread-safe.
 */
public final class BridgePreload {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.tunnel");
  private static final AtomicBoolean CLIENT = new AtomicBoolean();
  private static final AtomicBoolean HOST = new AtomicBoolean();

  private BridgePreload() {}

  /**
   * Whether start-up work may overlap the join ({@code -Dp2p.start.overlap=off} turns this preload, the signaling
   * warm-up's first request and the known hosts' rehearsed write ({@link KnownHostsWarmUp}) off, for comparisons:
   * docs/PERFORMANCE.md "Start, fourth session").
   */
  public static boolean overlapOn() {
    return !"off".equals(System.getProperty("p2p.start.overlap"));
  }

  /** Starts preloading {@code host}'s role (false: the client's) unless done or under way; returns at once. */
  static void inBackground(boolean host) {
    if (!overlapOn() || !(host ? HOST : CLIENT).compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(() -> {
      try {
        if (host) {
          HostBridge.preload();
        } else {
          ClientBridge.preload();
        }
        SetupTrace.step("bridge", "classes preloaded,", host ? "host" : "client");
      } catch (Throwable e) { // only a head start: the bridge's own start reports whatever is wrong
        LOG.log(Level.DEBUG, "preloading the bridge failed: {0}", e.toString());
      }
    }, "p2p-tunnel-preload");
    thread.setDaemon(true);
    thread.start();
  }
}
