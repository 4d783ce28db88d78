package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeListener;
import dev.p2ptunnel.bridge.ErrorKind;
import dev.p2ptunnel.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where the engine reports: the listener (guarded, so that a throwing listener cannot break the loop), the log, and
 * for errors the counters, all three keyed by the same {@link ErrorKind}. Loop thread only.
 */
final class Events {
  static final System.Logger LOG = System.getLogger("dev.p2ptunnel.bridge");
  /** Errors that say something about this machine rather than the peer: logged as warnings. */
  private static final Set<ErrorKind> WARNINGS =
      EnumSet.of(ErrorKind.ACCEPT_FAILED, ErrorKind.ID_EXHAUSTED, ErrorKind.INBOUND_OVERFLOW);

  /** {@link #throttled} reports each kind at most this often. */
  static final long THROTTLE_NANOS = 1_000_000_000L;

  private final BridgeListener listener;
  private final Counters counters;
  private final long[] reportedNanos = new long[ErrorKind.values().length];
  private final long[] unreported = new long[ErrorKind.values().length];
  private final boolean[] everReported = new boolean[ErrorKind.values().length];

  Events(BridgeListener listener, Counters counters) {
    this.listener = listener;
    this.counters = counters;
  }

  /** Counts, logs and reports one error. */
  void error(ErrorKind kind, int socketId, String message) {
    counters.count(kind);
    Level level = WARNINGS.contains(kind) ? Level.WARNING : Level.DEBUG;
    if (LOG.isLoggable(level)) {
      LOG.log(level, (socketId == BridgeListener.NO_SOCKET ? "" : "socket " + socketId + ": ") + kind + ": " + message);
    }
    try {
      listener.onError(kind, socketId, message);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  /**
   * Counts one error, but reports it (listener and log) only if no error of its kind was reported in the last second,
   * saying how many were counted without a report since: for errors a peer or an application can cause thousands of
   * times a second (dropped datagrams, refused floods), so that the listener and the log are not flooded too.
   */
  void throttled(ErrorKind kind, int socketId, String message, long nowNanos) {
    int k = kind.ordinal();
    if (everReported[k] && nowNanos - reportedNanos[k] < THROTTLE_NANOS) {
      counters.count(kind);
      unreported[k]++;
      return;
    }
    long skipped = unreported[k];
    everReported[k] = true;
    reportedNanos[k] = nowNanos;
    unreported[k] = 0;
    error(kind, socketId, skipped == 0 ? message : message + " (and " + skipped + " more since the last report)");
  }

  /** The host's list of services arrived or changed (client). */
  void services(java.util.List<dev.p2ptunnel.bridge.SharedService> services) {
    try {
      listener.onServices(services);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  /** A protocol error of the peer, by its reason's kind. */
  void protocolError(ProtocolException error) {
    int socketId = error.socketId() == ProtocolException.NO_SOCKET ? BridgeListener.NO_SOCKET : error.socketId();
    error(ErrorKind.of(error.reason()), socketId, error.getMessage());
  }

  void socketOpened(int socketId, SocketAddress address) {
    try {
      listener.onSocketOpened(socketId, address);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  void socketClosed(int socketId, String reason) {
    try {
      listener.onSocketClosed(socketId, reason);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  void negotiated(int features) {
    try {
      listener.onNegotiated(features);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  void connectionLost(String reason) {
    LOG.log(Level.INFO, "connection to the peer lost: {0}", reason);
    try {
      listener.onConnectionLost(reason);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  void connectionRestored(int resumed, int closed) {
    LOG.log(Level.INFO, "connection to the peer restored: {0} sockets resumed, {1} closed", resumed, closed);
    try {
      listener.onConnectionRestored(resumed, closed);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  void closed(String reason) {
    LOG.log(Level.DEBUG, "bridge closed: {0}", reason);
    try {
      listener.onClosed(reason);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  private static void listenerFailed(RuntimeException e) {
    LOG.log(Level.WARNING, "bridge listener threw; ignored", e);
  }
}
