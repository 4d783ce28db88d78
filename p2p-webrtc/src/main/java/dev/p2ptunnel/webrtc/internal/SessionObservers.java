package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.webrtc.SessionObserver;
import dev.p2ptunnel.webrtc.SessionPlugin;
import dev.p2ptunnel.webrtc.SessionState;
import dev.p2ptunnel.webrtc.WebRtcSession;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The plugins' observers of one session: installs them, fans events out, detaches one that throws, and tells each
 * about the close exactly once (also one installed after it). Thread-safe; events may come from any thread.
 */
final class SessionObservers {
  private final String name;
  private final CopyOnWriteArrayList<SessionObserver> observers = new CopyOnWriteArrayList<>();
  private boolean closed; // guarded by observers
  private String closeReason = ""; // guarded by observers

  SessionObservers(String name) {
    this.name = name;
  }

  AutoCloseable install(SessionPlugin plugin, WebRtcSession session) {
    Objects.requireNonNull(plugin, "plugin");
    SessionObserver observer;
    try {
      observer = Objects.requireNonNull(plugin.attach(session), "plugin returned no observer");
    } catch (Throwable t) {
      PeerSession.LOG.log(Level.WARNING, name + ": plugin " + plugin + " failed to attach; ignored", t);
      return () -> {};
    }
    String reason;
    synchronized (observers) {
      reason = closed ? closeReason : null;
      if (reason == null) {
        observers.add(observer);
      }
    }
    if (reason != null) {
      notifyClosed(observer, reason);
    }
    return () -> observers.remove(observer);
  }

  void stateChanged(SessionState state) {
    fire(o -> o.onStateChange(state));
  }

  void messageSent(int bytes) {
    if (!observers.isEmpty()) {
      fire(o -> o.onMessageSent(bytes));
    }
  }

  void messageReceived(int bytes) {
    if (!observers.isEmpty()) {
      fire(o -> o.onMessageReceived(bytes));
    }
  }

  /** The last event: CLOSED and the reason to every observer, which are then dropped. */
  void closed(String reason) {
    List<SessionObserver> toNotify;
    synchronized (observers) {
      closed = true;
      closeReason = reason;
      toNotify = List.copyOf(observers);
      observers.clear();
    }
    for (SessionObserver observer : toNotify) {
      notifyClosed(observer, reason);
    }
  }

  private void notifyClosed(SessionObserver observer, String reason) {
    try {
      observer.onStateChange(SessionState.CLOSED);
      observer.onClosed(reason);
    } catch (Throwable t) {
      PeerSession.LOG.log(Level.WARNING, name + ": plugin observer failed while closing", t);
    }
  }

  private void fire(Consumer<SessionObserver> event) {
    for (SessionObserver observer : observers) {
      try {
        event.accept(observer);
      } catch (Throwable t) {
        observers.remove(observer);
        PeerSession.LOG.log(Level.WARNING, name + ": plugin observer " + observer + " failed; detached", t);
      }
    }
  }
}
