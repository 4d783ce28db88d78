package dev.p2ptunnel.webrtc;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Logs a session's state changes and its close reason through {@link System.Logger} ({@code
 * dev.p2ptunnel.webrtc.StateLogger}), at INFO. Stateless: one instance may be installed on any number of sessions;
 * thread-safe.
 */
public final class StateLogger implements SessionPlugin {
  private static final Logger LOG = System.getLogger(StateLogger.class.getName());

  private final Level level;

  /** Logs at INFO. */
  public StateLogger() {
    this(Level.INFO);
  }

  /** Logs at {@code level}. */
  public StateLogger(Level level) {
    this.level = level;
  }

  @Override
  public SessionObserver attach(WebRtcSession session) {
    LOG.log(level, () -> session + ": installed");
    return new SessionObserver() {
      @Override
      public void onStateChange(SessionState state) {
        LOG.log(level, () -> session + ": state " + state);
      }

      @Override
      public void onClosed(String reason) {
        LOG.log(level, () -> session + ": closed: " + reason);
      }
    };
  }
}
