package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.Identity;
import dev.p2ptunnel.webrtc.WebRtcSession;
import dev.p2ptunnel.webrtc.WebRtcException;

/**
 * Work moved off the setup path onto daemon threads: the first ECDSA operation of each side (below), and libwebrtc
 * loaded on a daemon thread: ~140 ms that otherwise sit between the first session and its offer (client,
 * which starts this before its signaling client) or answer (host, which starts this once its Session ID is out).
 * See docs/PERFORMANCE.md, "Setup time".
 */
final class Preload {
  private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** What the warm-ups sign or verify; never modified. */
  static final byte[] PROBE = {1, 2, 3};
  /** DER of an ECDSA signature with r = 1 and s = 1: well-formed, verifies to false; never modified. */
  static final byte[] WRONG_SIGNATURE = {0x30, 6, 2, 1, 1, 2, 1, 1};

  private Preload() {}

  /**
   * The client's first ECDSA signature, made on a daemon thread once its identity is loaded: the JVM's first
   * SHA256withECDSA signature costs ~20-30 ms of CPU (provider, classes, the interpreter), which the join otherwise
   * pays when the host's challenge arrives (the client signs its proof then). Only what the client does itself, so the
   * same CPU, off the path: a signature and a verification here cost ~40-75 ms (docs/PERFORMANCE.md, "Start, fourth
   * session").
   */
  static void signatureInBackground(Identity identity) {
    background("p2p-tunnel-signature-warmup", () -> identity.sign(PROBE));
  }

  /**
   * The host's first verification of a client's proof, on a daemon thread once its Session ID is out: certificate
   * parse and a SHA256withECDSA verification, ~20-45 ms of CPU the first time in a JVM, otherwise paid when a client's
   * reveal arrives. It checks a well-formed signature that does not match (r = s = 1), which takes the whole path of
   * a real one: signing one first, as this did before, cost ~25 ms more CPU for a signature the host never makes.
   */
  static void verificationInBackground(Identity identity) {
    background("p2p-tunnel-verification-warmup",
        () -> Identity.verify(identity.certificateDer(), PROBE, WRONG_SIGNATURE));
  }

  private static void background(String name, Runnable warmUp) {
    Thread thread = new Thread(() -> {
      try {
        warmUp.run();
      } catch (RuntimeException e) {
        // only a warm-up: the join reports whatever is wrong
      }
    }, name);
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
