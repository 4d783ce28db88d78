package dev.p2ptunnel.webrtc;

/**
 * Receives a session's events; every method has an empty default. Implementations must be thread-safe: calls come
 * from libwebrtc's signaling thread (received messages, state), from sending threads (sent messages) and from the
 * session's own thread, and may overlap. No call may block. An exception detaches the observer.
 */
public interface SessionObserver {
  /** The session moved to {@code state}. */
  default void onStateChange(SessionState state) {}

  /** A message of {@code bytes} bytes was queued for sending. */
  default void onMessageSent(int bytes) {}

  /** A message of {@code bytes} bytes arrived. */
  default void onMessageReceived(int bytes) {}

  /** The session closed; the last call this observer gets. */
  default void onClosed(String reason) {}
}
