package dev.p2ptunnel.bridge;

import java.util.Objects;

/**
 * What one peer may make a bridge hold or do; on a host, each client has a bridge of its own, so these bound each
 * client on its own, and one past a limit is refused or disconnected without touching another client. The
 * defaults suit a person's applications; raise them for load tests ({@code ab}, thousands of connections at once).
 * Immutable and thread-safe.
 *
 * @param maxSockets host: logical sockets one client may have open; a CONNECT beyond is refused with the reason
 *     ({@link ErrorKind#SOCKET_LIMIT}), 1..65536
 * @param maxFlows UDP flows (client source addresses) at once; a datagram from a new source beyond is dropped
 *     ({@link ErrorKind#FLOW_LIMIT}), 1..65536
 * @param connects host: CONNECT and CLOSE messages of one client (connection churn)
 * @param pings PING messages (our keepalive sends one after 5 s of silence)
 * @param windows WINDOW messages (flow-control credit: one per socket opened and one per half window consumed)
 */
public record PeerLimits(int maxSockets, int maxFlows, RateLimit connects, RateLimit pings, RateLimit windows) {
  /** Default {@link #maxSockets()}. */
  public static final int DEFAULT_MAX_SOCKETS = 1024;
  /** Default {@link #maxFlows()}. */
  public static final int DEFAULT_MAX_FLOWS = 256;

  /** Validates. */
  public PeerLimits {
    if (maxSockets < 1 || maxSockets > 65_536) {
      throw new IllegalArgumentException("maxSockets: " + maxSockets + " (expected: 1..65536)");
    }
    if (maxFlows < 1 || maxFlows > 65_536) {
      throw new IllegalArgumentException("maxFlows: " + maxFlows + " (expected: 1..65536)");
    }
    Objects.requireNonNull(connects, "connects");
    Objects.requireNonNull(pings, "pings");
    Objects.requireNonNull(windows, "windows");
  }

  /**
   * 1 024 sockets, 256 flows; CONNECT/CLOSE 500/s (burst 500), PING 10/s (burst 50), WINDOW 4 000/s (burst
   * 8 000).
   */
  public static PeerLimits defaults() {
    return new PeerLimits(DEFAULT_MAX_SOCKETS, DEFAULT_MAX_FLOWS, new RateLimit(500, 500), new RateLimit(10, 50),
        new RateLimit(4000, 8000));
  }

  /** High enough for load tests and benchmarks: 65 536 sockets and flows, 100 000 control messages a second. */
  public static PeerLimits generous() {
    RateLimit lots = new RateLimit(100_000, 1_000_000);
    return new PeerLimits(65_536, 65_536, lots, lots, lots);
  }

  /** These limits with {@link #maxSockets()} = {@code value}. */
  public PeerLimits withMaxSockets(int value) {
    return new PeerLimits(value, maxFlows, connects, pings, windows);
  }

  /** These limits with {@link #maxFlows()} = {@code value}. */
  public PeerLimits withMaxFlows(int value) {
    return new PeerLimits(maxSockets, value, connects, pings, windows);
  }

  /** These limits with {@link #connects()} = {@code value}. */
  public PeerLimits withConnects(RateLimit value) {
    return new PeerLimits(maxSockets, maxFlows, value, pings, windows);
  }

  /** These limits with {@link #pings()} = {@code value}. */
  public PeerLimits withPings(RateLimit value) {
    return new PeerLimits(maxSockets, maxFlows, connects, value, windows);
  }

  /** These limits with {@link #windows()} = {@code value}. */
  public PeerLimits withWindows(RateLimit value) {
    return new PeerLimits(maxSockets, maxFlows, connects, pings, value);
  }
}
