package dev.p2ptunnel.bridge.internal;

import org.jspecify.annotations.Nullable;

/**
 * What one bridge (one client) may hold for local applications that do not keep up: per socket when the peer has no
 * flow control (with it, the window bounds each socket), and in all. The place for every per-client limit. Loop thread
 * only.
 */
final class Limits {
  private final long maxPendingPerSocket;
  private final long maxPendingTotal;
  private long pendingTotal;

  Limits(long maxPendingPerSocket, long maxPendingTotal) {
    this.maxPendingPerSocket = maxPendingPerSocket;
    this.maxPendingTotal = maxPendingTotal;
  }

  /**
   * Whether {@code more} bytes for a socket that already holds {@code socketPending} may be kept.
   *
   * @param perSocket whether the per-socket bound applies (no flow control)
   * @return null if they may, else why not (the socket is then closed)
   */
  @Nullable String admit(long socketPending, int more, boolean perSocket) {
    if (perSocket && socketPending + more > maxPendingPerSocket) {
      return "local application did not read: " + (socketPending + more) + " bytes pending > max "
          + maxPendingPerSocket + " (peer has no flow control)";
    }
    if (pendingTotal + more > maxPendingTotal) {
      return "bridge holds " + (pendingTotal + more) + " bytes for local applications > max " + maxPendingTotal
          + " in all";
    }
    return null;
  }

  /** {@code bytes} more are held for local sockets. */
  void held(long bytes) {
    pendingTotal += bytes;
  }

  /** {@code bytes} held were written out or dropped. */
  void released(long bytes) {
    pendingTotal -= bytes;
  }

  /** Bytes held for all local sockets now. */
  long pendingTotal() {
    return pendingTotal;
  }
}
