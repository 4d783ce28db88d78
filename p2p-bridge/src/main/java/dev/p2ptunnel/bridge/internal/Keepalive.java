package dev.p2ptunnel.bridge.internal;

import java.time.Duration;

/**
 * Keepalive timing (docs/PROTOCOL.md, "Keepalive"): after {@code interval} without any message from the peer, PING
 * (again every interval while the silence lasts); after {@code timeout} without any, the peer is dead. Any message
 * counts as life. Decides only, from the times it is given; the caller sends and closes. Loop thread only.
 */
final class Keepalive {
  /** What is due now. */
  enum Due {
    NOTHING,
    PING,
    DEAD
  }

  private final long intervalNanos;
  private final long timeoutNanos;
  private final long timeoutMillis;
  private long lastReceivedNanos;
  private long lastPingNanos;
  private long nonce;

  Keepalive(Duration interval, Duration timeout) {
    this.intervalNanos = interval.toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.timeoutMillis = timeout.toMillis();
  }

  /** The clock starts: silence is counted from here. */
  void start(long nowNanos) {
    lastReceivedNanos = nowNanos;
    lastPingNanos = nowNanos;
  }

  /** A message arrived from the peer. */
  void received(long nowNanos) {
    lastReceivedNanos = nowNanos;
  }

  /** What is due at {@code nowNanos}; a PING returned is taken as sent. */
  Due check(long nowNanos) {
    long silent = nowNanos - lastReceivedNanos;
    if (silent >= timeoutNanos) {
      return Due.DEAD;
    }
    if (silent >= intervalNanos && nowNanos - lastPingNanos >= intervalNanos) {
      lastPingNanos = nowNanos;
      return Due.PING;
    }
    return Due.NOTHING;
  }

  /** When {@link #check} next has something to do. */
  long deadlineNanos() {
    return Math.min(Math.max(lastReceivedNanos, lastPingNanos) + intervalNanos, lastReceivedNanos + timeoutNanos);
  }

  /** The nonce for the next PING: 1, 2, 3, … */
  long nextNonce() {
    return ++nonce;
  }

  /** Why the bridge closes when the peer is dead. */
  String deadReason() {
    return "peer did not answer keepalive within " + timeoutMillis + " ms";
  }
}
