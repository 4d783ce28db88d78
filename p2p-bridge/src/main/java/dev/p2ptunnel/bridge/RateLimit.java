package dev.p2ptunnel.bridge;

/**
 * How often a peer may send one kind of control message ({@link PeerLimits#connects()},
 * {@link PeerLimits#pings()}, {@link PeerLimits#windows()}): a bucket that holds up to {@code burst}
 * messages and drains at {@code perSecond}. Messages that find it full are over the limit and refused (a CONNECT is
 * refused, a PING not answered); a peer that keeps on until the bucket holds twice its burst is flooding, and its
 * bridge is closed with the reason ({@link ErrorKind#FLOOD}). Immutable and thread-safe.
 *
 * @param perSecond sustained messages per second, at least 1
 * @param burst messages allowed at once, at least 1
 */
public record RateLimit(int perSecond, int burst) {
  /** Validates. */
  public RateLimit {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 1)");
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: " + burst + " (expected: >= 1)");
    }
  }

  /** {@code 500/s (burst 500)}. */
  @Override
  public String toString() {
    return perSecond + "/s (burst " + burst + ")";
  }
}
