package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.Identity;
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

  /**
   * Signs and verifies once with {@code identity} on a daemon thread: the first ECDSA signature of a JVM costs
   * ~50-150 ms of provider and class loading, which the join otherwise pays on its way (the client signs its proof
   * when the host's challenge arrives, the host verifies it when the reveal arrives; setup trace in
   * docs/PERFORMANCE.md). Same CPU, off the path.
   */
  static void signatureInBackground(Identity identity) {
    Thread thread = new Thread(() -> {
      try {
        byte[] probe = {1, 2, 3};
        Identity.verify(identity.certificateDer(), probe, identity.sign(probe));
      } catch (RuntimeException e) {
        // only a warm-up: the join reports whatever is wrong
      }
    }, "p2p-tunnel-signature-warmup");
    thread.setDaemon(true);
    thread.start();
  }

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
