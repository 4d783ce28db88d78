package dev.p2ptunnel.bridge.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The bridge's link to its peer: the number of the channel in use (0, then one more per replacement) and whether the
 * connection is lost, since when and why. A lost connection has {@code grace} to come back (over the same channel, or
 * a new one) before the bridge closes. Decides only; the loop acts. Loop thread only.
 */
final class Link {
  private final long graceNanos;
  private final String graceText;
  private int channel;
  private @Nullable String lostReason;
  private long lostSinceNanos;

  Link(Duration grace) {
    this.graceNanos = grace.toNanos();
    long millis = grace.toMillis();
    this.graceText = millis % 60_000 == 0 && millis > 0 ? millis / 60_000 + " min"
        : millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  /** Whether a lost connection waits for the peer at all. */
  boolean hasGrace() {
    return graceNanos > 0;
  }

  /** The number of the channel in use. */
  int channel() {
    return channel;
  }

  /** A new channel replaces the current one: its number. */
  int next() {
    return ++channel;
  }

  boolean lost() {
    return lostReason != null;
  }

  /**
   * The connection is lost for {@code reason}.
   *
   * @return whether this is news (it was not lost already)
   */
  boolean lose(String reason, long nowNanos) {
    if (lostReason != null) {
      return false;
    }
    lostReason = reason;
    lostSinceNanos = nowNanos;
    return true;
  }

  /**
   * The peer is back.
   *
   * @return whether it had been lost
   */
  boolean restore() {
    boolean was = lostReason != null;
    lostReason = null;
    return was;
  }

  /** When the grace of a lost connection ends, or {@code Long.MAX_VALUE}. */
  long deadlineNanos() {
    return lostReason == null ? Long.MAX_VALUE : lostSinceNanos + graceNanos;
  }

  /** Why the bridge closes if the grace has passed at {@code nowNanos}, else null. */
  @Nullable String expired(long nowNanos, String peerName) {
    if (lostReason == null || nowNanos - lostSinceNanos < graceNanos) {
      return null;
    }
    return "the " + peerName + " did not come back within " + graceText + " (" + lostReason + ")";
  }
}
