package dev.p2ptunnel.webrtc;

/**
 * Something attached to a session for its lifetime through {@link WebRtcSession#install}: metrics, logging.
 * Implementations say whether they may be installed on several sessions.
 */
@FunctionalInterface
public interface SessionPlugin {
  /**
   * Attaches to {@code session}, on the installing thread, and returns the observer that gets its events until it
   * closes. Must not block.
   */
  SessionObserver attach(WebRtcSession session);
}
