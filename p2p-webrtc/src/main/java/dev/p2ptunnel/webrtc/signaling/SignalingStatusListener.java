package dev.p2ptunnel.webrtc.signaling;

import java.time.Duration;

/**
 * Told when a host's signaling server becomes unreachable and when it is back, once each per outage
 * ({@link HttpHostSignaling.Builder#statusListener}), so that an app can show it. Runs on the signaling's own thread:
 * implementations must not block. The defaults do nothing.
 */
public interface SignalingStatusListener {
  /** The server cannot be reached (the retry policy is spent); the host keeps trying, its clients carry on. */
  default void onUnreachable(String reason) {}

  /**
   * The server answers again after {@code outage}.
   *
   * @param renewed whether the session had to be created again there (the server had lost it)
   */
  default void onReachable(Duration outage, boolean renewed) {}
}
