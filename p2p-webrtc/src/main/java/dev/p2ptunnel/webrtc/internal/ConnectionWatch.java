package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What a change of the connection state means for one {@link PeerSession}: the channel's path is up or not; a managed
 * session ({@link PeerSession#manage}) hands every change to its tunnel, which decides (restart ICE, wait, replace
 * the session); a self-managed one closes when ICE or DTLS fails (unless a patient answerer still waits for its
 * peer) or when the connection stays disconnected past the disconnect timeout.
 *
 * <p>Threads: {@link #changed} runs on libwebrtc's signaling thread and only takes note and hands work on; the watcher
 * and the disconnect timer run on the session thread, which owns the timer. The last reported state and the watcher
 * are volatile, readable from any thread.
 */
final class ConnectionWatch {
  private final PeerSession session;
  private final SessionThread thread;
  private final RTCPeerConnection pc;
  private final DataChannelMessageChannel channel;
  private final SessionChannels channels;
  private final Duration disconnectTimeout;
  private final boolean patient;
  private volatile RTCPeerConnectionState connectionState = RTCPeerConnectionState.NEW;
  private volatile @Nullable Consumer<RTCPeerConnectionState> pathWatcher;
  private @Nullable Future<?> disconnectTimer; // session thread

  ConnectionWatch(PeerSession session, SessionThread thread, RTCPeerConnection pc, DataChannelMessageChannel channel,
      SessionChannels channels, Duration disconnectTimeout, boolean patient) {
    this.session = session;
    this.thread = thread;
    this.pc = pc;
    this.channel = channel;
    this.channels = channels;
    this.disconnectTimeout = disconnectTimeout;
    this.patient = patient;
  }

  /** See {@link PeerSession#manage}. */
  void manage(Consumer<RTCPeerConnectionState> watcher) {
    pathWatcher = watcher;
  }

  /** The connection state as last reported by libwebrtc. */
  RTCPeerConnectionState state() {
    return connectionState;
  }

  /** A patient answerer whose channel has not opened yet (a FAILED state then only means: not yet). */
  boolean waitingForPeer() {
    return patient && !channels.open().isDone() && !session.closing();
  }

  /** Signaling thread: libwebrtc reported {@code connection}. */
  void changed(RTCPeerConnectionState connection) {
    try {
      thread.noteCallbackThread();
      react(connection);
    } catch (Throwable t) {
      session.callbackFailed("onConnectionChange", t);
    }
  }

  private void react(RTCPeerConnectionState connection) {
    connectionState = connection;
    channel.pathUp(connection == RTCPeerConnectionState.CONNECTED || connection == RTCPeerConnectionState.NEW
        || connection == RTCPeerConnectionState.CONNECTING);
    Consumer<RTCPeerConnectionState> watcher = pathWatcher;
    if (watcher != null) {
      thread.execute(() -> watcher.accept(connection));
      if (connection != RTCPeerConnectionState.CLOSED) {
        return; // the tunnel decides: restart ICE, wait, or replace the session
      }
    }
    switch (connection) {
      case FAILED:
        if (waitingForPeer()) {
          PeerSession.LOG.log(Level.DEBUG,
              () -> session.name() + ": ICE failed while the peer has not applied our answer yet");
        } else {
          session.closeAsync("connection failed (ICE or DTLS)");
        }
        break;
      case CLOSED:
        session.closeAsync("peer connection closed");
        break;
      case DISCONNECTED:
        thread.execute(this::startDisconnectTimer);
        break;
      case CONNECTED:
        thread.execute(this::stopDisconnectTimer);
        break;
      default:
        break;
    }
  }

  /** Session thread. */
  private void startDisconnectTimer() {
    if (disconnectTimer == null && !session.closing()) {
      disconnectTimer = thread.schedule(() -> {
        if (pc.getConnectionState() == RTCPeerConnectionState.DISCONNECTED) {
          session.closeAsync("peer unreachable: connection disconnected for " + disconnectTimeout);
        }
      }, disconnectTimeout.toNanos());
    }
  }

  /** Session thread. */
  private void stopDisconnectTimer() {
    Future<?> timer = disconnectTimer;
    if (timer != null) {
      timer.cancel(false);
      disconnectTimer = null;
    }
  }
}
