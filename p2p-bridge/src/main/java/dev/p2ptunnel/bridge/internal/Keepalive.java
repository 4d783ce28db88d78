package dev.p2ptunnel.bridge.internal;

import java.time.Duration;

/**
 * Keepalive timing (docs/PROTOCOL.md, "Keepalive"): after {@code interval} without any message from the peer, PING
 * (again every interval while the silence lasts); after {@code timeout} without any sign of life, the connection is
 * lost ({@link Due#DEAD}, reported once per silence, until a message arrives). Signs of life: any message, and the
 * channel's send queue shrinking ({@link #progress}), which means the peer's transport took data, so that heavy loss
 * that holds the peer's messages back does not count as silence while the transport still carries.
 *
 * <p>The channel's transport confirming the peer ({@link #path}: for WebRTC, the peer connection CONNECTED, which
 * means ICE keeps hearing from the peer) suspends the {@code timeout}: a one-way transfer whose SCTP retransmissions
 * back off for longer than the timeout at heavy loss is not silence while the path is known to be up. Once the path
 * is no longer confirmed, and has not been for one {@code interval} (a DISCONNECTED blip at loss comes back within
 * a second), the plain timeout counts again from the last sign of life, so a real outage (libwebrtc reports the path
 * DISCONNECTED ~7.5 s into it) is lost as early as without the path's word. Both graces are bounded: without any
 * message for {@link #PROGRESS_PATIENCE} timeouts the connection is lost all the same (a peer whose transport runs but
 * whose bridge is stuck). Decides only, from the times it is given; the caller sends, closes or reconnects. Loop
 * thread only.
 */
final class Keepalive {
  /** What is due now. */
  enum Due {
    NOTHING,
    PING,
    DEAD
  }

  /** Without any message, the queue's progress keeps the connection alive for at most this many timeouts. */
  static final int PROGRESS_PATIENCE = 4;

  private final long intervalNanos;
  private final long timeoutNanos;
  private final long timeoutMillis;
  private long lastLifeNanos;
  private long lastProgressNanos;
  private long lastPingNanos;
  private long lastBufferedBytes;
  private boolean silent;
  /** Whether the silence reported last outlasted the patience (the transport still took data or answered). */
  private boolean outlasted;
  private long nonce;
  /** The transport confirms the peer now ({@link #path}); false until it says so, and for channels that cannot. */
  private boolean pathConfirmed;
  /** Since when the path is not confirmed (the start, or the last time it stopped being confirmed). */
  private long pathUnconfirmedNanos;

  Keepalive(Duration interval, Duration timeout) {
    this.intervalNanos = interval.toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.timeoutMillis = timeout.toMillis();
  }

  /** The clock starts (a channel starts): silence is counted from here. */
  void start(long nowNanos) {
    lastLifeNanos = nowNanos;
    lastProgressNanos = nowNanos;
    lastPingNanos = nowNanos;
    lastBufferedBytes = 0;
    silent = false;
    pathConfirmed = false;
    pathUnconfirmedNanos = nowNanos;
  }

  /**
   * The channel's transport says whether it confirms the peer now (for WebRTC: the connection is CONNECTED). Not
   * life by itself: it only stops the plain timeout from counting while it holds.
   */
  void path(boolean confirmed, long nowNanos) {
    if (pathConfirmed && !confirmed) {
      pathUnconfirmedNanos = nowNanos;
    }
    pathConfirmed = confirmed;
  }

  /** Whether the transport confirms the peer now. */
  boolean pathConfirmed() {
    return pathConfirmed;
  }

  /**
   * A message arrived from the peer.
   *
   * @return whether this ends a silence reported as {@link Due#DEAD}
   */
  boolean received(long nowNanos) {
    lastLifeNanos = nowNanos;
    lastProgressNanos = nowNanos;
    boolean wasSilent = silent;
    silent = false;
    return wasSilent;
  }

  /**
   * The channel's send queue holds {@code bufferedBytes} now; less than at the last look means the peer's transport
   * took data: life, though not a message (a reported silence ends only with a message).
   */
  void progress(long bufferedBytes, long nowNanos) {
    if (bufferedBytes < lastBufferedBytes) {
      lastProgressNanos = nowNanos;
    }
    lastBufferedBytes = bufferedBytes;
  }

  /** What is due at {@code nowNanos}; a PING returned is taken as sent, a DEAD as reported. */
  Due check(long nowNanos) {
    long quiet = nowNanos - lastLifeNanos;
    if (!silent && (nowNanos >= plainDeadlineNanos() || quiet >= PROGRESS_PATIENCE * timeoutNanos)) {
      silent = true;
      outlasted = nowNanos < plainDeadlineNanos(); // the patience ran out, not the timeout
      return Due.DEAD;
    }
    if (quiet >= intervalNanos && nowNanos - lastPingNanos >= intervalNanos) {
      lastPingNanos = nowNanos;
      return Due.PING;
    }
    return Due.NOTHING;
  }

  /** Whether the silence was reported and no sign of life came since. */
  boolean silent() {
    return silent;
  }

  /** When {@link #check} next has something to do. */
  long deadlineNanos() {
    long ping = Math.max(lastLifeNanos, lastPingNanos) + intervalNanos;
    return silent ? ping : Math.min(ping, Math.min(plainDeadlineNanos(),
        lastLifeNanos + PROGRESS_PATIENCE * timeoutNanos));
  }

  /**
   * When the plain timeout makes the connection lost: {@code timeout} after the last sign of life, but not while the
   * path is confirmed, nor within one interval of it being confirmed last.
   */
  private long plainDeadlineNanos() {
    if (pathConfirmed) {
      return Long.MAX_VALUE;
    }
    return Math.max(lastProgressNanos + timeoutNanos, pathUnconfirmedNanos + intervalNanos);
  }

  /** The nonce for the next PING when the resume extension does not give one: 1, 2, 3, … */
  long nextNonce() {
    return ++nonce;
  }

  /** Why the connection counts as lost (the silence reported last). */
  String deadReason() {
    if (outlasted) {
      return "peer sent nothing for " + PROGRESS_PATIENCE * timeoutMillis + " ms though its transport still carried"
          + " (keepalive)";
    }
    return "peer did not answer keepalive within " + timeoutMillis + " ms";
  }
}
