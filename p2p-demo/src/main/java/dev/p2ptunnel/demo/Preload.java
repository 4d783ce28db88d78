package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.WebRtcSession;
import dev.p2ptunnel.webrtc.WebRtcException;

/**
 * Loads libwebrtc on a daemon thread: ~140 ms that otherwise sit between the first session and its offer (client,
 * which starts this before its signaling client) or answer (host, which starts this once its Session ID is out).
 * See docs/PERFORMANCE.md, "Setup time".
 */
final class Preload {
  private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Preload() {}

  /** Starts the load once per JVM (the client's Main starts it before parsing, its command again: a no-op). */
  static void libwebrtcInBackground() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(() -> {
      try {
        WebRtcSession.preload();
      } catch (WebRtcException e) {
        // the session will fail with the same error, reported where the user sees it
      }
    }, "p2p-tunnel-preload");
    thread.setDaemon(true);
    thread.start();
  }
}
