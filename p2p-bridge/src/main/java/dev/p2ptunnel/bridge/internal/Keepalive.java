package dev.p2ptunnel.bridge.internal;

import java.time.Duration;

/**
 * Keepalive timing (docs/PROTOCOL.md, "Keepalive"): after {@code interval} without any message from the peer, PING
 * (again every interval while the silence lasts); after {@code timeout} without any sign of life, the connection is
 * lost ({@link Due#DEAD}, reported once per silence, until a message arrives). Signs of life: any message, and the
 * channel's send queue shrinking ({@link #progress}), which means the peer's transport took data, so that heavy loss
 * that holds the peer's messages back does not count as silence while the transport still carries; that grace is
 * bounded: without any message for {@link #PROGRESS_PATIENCE} timeouts the connection is lost all the same (a peer
 * whose transport runs but whose bridge is stuck). Decides only, from the times it is given; the caller sends, closes
 * or reconnects. Loop thread only.
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
  private long nonce;

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
    if (!silent && (nowNanos - lastProgressNanos >= timeoutNanos || quiet >= PROGRESS_PATIENCE * timeoutNanos)) {
      silent = true;
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
    return silent ? ping : Math.min(ping, Math.min(lastProgressNanos + timeoutNanos,
        lastLifeNanos + PROGRESS_PATIENCE * timeoutNanos));
  }

  /** The nonce for the next PING when the resume extension does not give one: 1, 2, 3, … */
  long nextNonce() {
    return ++nonce;
  }

  /** Why the connection counts as lost. */
  String deadReason() {
    return "peer did not answer keepalive within " + timeoutMillis + " ms";
  }
}
