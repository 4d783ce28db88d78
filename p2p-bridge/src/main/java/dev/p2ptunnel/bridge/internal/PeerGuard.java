package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.RateLimit;

/**
 * How fast the peer may send control messages ({@link PeerLimits}): one leaky bucket per kind. Each message adds one
 * to its bucket, which drains at the limit's rate; up to the burst the message is {@link Verdict#OK}, beyond it
 * {@link Verdict#OVER} (the caller refuses or skips what it would do), and once the bucket holds twice the burst the
 * peer is flooding ({@link Verdict#FLOOD}: the caller closes the bridge). A peer that sends at its rate never
 * accumulates; one that sends faster is refused after its burst and disconnected after as many more. The buckets
 * read time from the caller, so tests move it by hand. Loop thread only.
 */
final class PeerGuard {
  /** What a message may do. */
  enum Verdict {
    OK,
    OVER,
    FLOOD
  }

  /** The kinds of control messages that are limited. */
  enum Kind {
    CONNECT("CONNECT and CLOSE"),
    PING("PING"),
    WINDOW("WINDOW");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final Bucket connects;
  private final Bucket pings;
  private final Bucket windows;

  PeerGuard(PeerLimits limits, long nowNanos) {
    connects = new Bucket(limits.connects(), nowNanos);
    pings = new Bucket(limits.pings(), nowNanos);
    windows = new Bucket(limits.windows(), nowNanos);
  }

  /** One message of {@code kind} arrived at {@code nowNanos}. */
  Verdict admit(Kind kind, long nowNanos) {
    return bucket(kind).add(nowNanos);
  }

  /** Why a flooding peer's bridge closes, e.g. {@code "peer sent PING faster than 10/s (burst 50): ..."}. */
  String floodReason(Kind kind) {
    RateLimit limit = bucket(kind).limit;
    return "peer sent " + kind.label + " messages faster than " + limit + " and kept on after being refused: "
        + "closed to protect the host";
  }

  /** What an over-the-limit message is told, e.g. {@code "more than 500/s (burst 500) CONNECT and CLOSE ..."}. */
  String overReason(Kind kind) {
    return "more than " + bucket(kind).limit + " " + kind.label + " messages from this peer";
  }

  private Bucket bucket(Kind kind) {
    return switch (kind) {
      case CONNECT -> connects;
      case PING -> pings;
      case WINDOW -> windows;
    };
  }

  /** A leaky bucket: {@link #level} messages, draining at the limit's rate. */
  private static final class Bucket {
    final RateLimit limit;
    private final double perNano;
    private double level;
    private long lastNanos;

    Bucket(RateLimit limit, long nowNanos) {
      this.limit = limit;
      this.perNano = limit.perSecond() / 1e9;
      this.lastNanos = nowNanos;
    }

    Verdict add(long nowNanos) {
      long elapsed = nowNanos - lastNanos;
      if (elapsed > 0) {
        level = Math.max(0, level - elapsed * perNano);
        lastNanos = nowNanos;
      }
      level += 1;
      if (level <= limit.burst()) {
        return Verdict.OK;
      }
      return level > 2.0 * limit.burst() ? Verdict.FLOOD : Verdict.OVER;
    }
  }
}
