package dev.p2ptunnel.bridge;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one peer may make a bridge hold or do; on a host, each client has a bridge of its own, so these bound each
 * client on its own, and one past a limit is refused or disconnected without touching another client. The
 * defaults suit a person's applications; raise them for load tests ({@code ab}, thousands of connections at once).
 * Build with {@link #builder()} or change a copy with the {@code withX} methods. A class rather than a record so that
 * limits can be added without breaking callers. Immutable and thread-safe.
 */
public final class PeerLimits {
  /** Default {@link #maxSockets()}. */
  public static final int DEFAULT_MAX_SOCKETS = 1024;
  /** Default {@link #maxFlows()}. */
  public static final int DEFAULT_MAX_FLOWS = 256;
  private static final PeerLimits DEFAULTS = new Builder().build();

  private final int maxSockets;
  private final int maxFlows;
  private final RateLimit connects;
  private final RateLimit pings;
  private final RateLimit windows;

  private PeerLimits(Builder b) {
    maxSockets = b.maxSockets;
    maxFlows = b.maxFlows;
    connects = Objects.requireNonNull(b.connects, "connects");
    pings = Objects.requireNonNull(b.pings, "pings");
    windows = Objects.requireNonNull(b.windows, "windows");
    if (maxSockets < 1 || maxSockets > 65_536) {
      throw new IllegalArgumentException("maxSockets: " + maxSockets + " (expected: 1..65536)");
    }
    if (maxFlows < 1 || maxFlows > 65_536) {
      throw new IllegalArgumentException("maxFlows: " + maxFlows + " (expected: 1..65536)");
    }
  }

  /**
   * 1 024 sockets, 256 flows; CONNECT/CLOSE 500/s (burst 500), PING 10/s (burst 50), WINDOW 4 000/s (burst
   * 8 000).
   */
  public static PeerLimits defaults() {
    return DEFAULTS;
  }

  /** High enough for load tests and benchmarks: 65 536 sockets and flows, 100 000 control messages a second. */
  public static PeerLimits generous() {
    RateLimit lots = new RateLimit(100_000, 1_000_000);
    return builder().maxSockets(65_536).maxFlows(65_536).connects(lots).pings(lots).windows(lots).build();
  }

  /** A builder holding {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these limits. */
  public Builder toBuilder() {
    return new Builder().maxSockets(maxSockets).maxFlows(maxFlows).connects(connects).pings(pings).windows(windows);
  }

  /**
   * Host: logical sockets one client may have open; a CONNECT beyond is refused with the reason
   * ({@link ErrorKind#SOCKET_LIMIT}), 1..65536.
   */
  public int maxSockets() {
    return maxSockets;
  }

  /**
   * UDP flows (client source addresses) at once; a datagram from a new source beyond is dropped
   * ({@link ErrorKind#FLOW_LIMIT}), 1..65536.
   */
  public int maxFlows() {
    return maxFlows;
  }

  /** Host: CONNECT and CLOSE messages of one client (connection churn). */
  public RateLimit connects() {
    return connects;
  }

  /** PING messages (our keepalive sends one after 5 s of silence). */
  public RateLimit pings() {
    return pings;
  }

  /** WINDOW messages (flow-control credit: one per socket opened and one per half window consumed). */
  public RateLimit windows() {
    return windows;
  }

  /** These limits with {@link #maxSockets()} = {@code value}. */
  public PeerLimits withMaxSockets(int value) {
    return toBuilder().maxSockets(value).build();
  }

  /** These limits with {@link #maxFlows()} = {@code value}. */
  public PeerLimits withMaxFlows(int value) {
    return toBuilder().maxFlows(value).build();
  }

  /** These limits with {@link #connects()} = {@code value}. */
  public PeerLimits withConnects(RateLimit value) {
    return toBuilder().connects(value).build();
  }

  /** These limits with {@link #pings()} = {@code value}. */
  public PeerLimits withPings(RateLimit value) {
    return toBuilder().pings(value).build();
  }

  /** These limits with {@link #windows()} = {@code value}. */
  public PeerLimits withWindows(RateLimit value) {
    return toBuilder().windows(value).build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof PeerLimits)) {
      return false;
    }
    PeerLimits l = (PeerLimits) o;
    return maxSockets == l.maxSockets && maxFlows == l.maxFlows && connects.equals(l.connects)
        && pings.equals(l.pings) && windows.equals(l.windows);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxSockets, maxFlows, connects, pings, windows);
  }

  @Override
  public String toString() {
    return "PeerLimits[maxSockets=" + maxSockets + ", maxFlows=" + maxFlows + ", connects=" + connects + ", pings="
        + pings + ", windows=" + windows + "]";
  }

  /** Builds {@link PeerLimits}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private int maxSockets = DEFAULT_MAX_SOCKETS;
    private int maxFlows = DEFAULT_MAX_FLOWS;
    private RateLimit connects = new RateLimit(500, 500);
    private RateLimit pings = new RateLimit(10, 50);
    private RateLimit windows = new RateLimit(4000, 8000);

    private Builder() {}

    /** See {@link PeerLimits#maxSockets()}; default {@value PeerLimits#DEFAULT_MAX_SOCKETS}. */
    public Builder maxSockets(int value) {
      maxSockets = value;
      return this;
    }

    /** See {@link PeerLimits#maxFlows()}; default {@value PeerLimits#DEFAULT_MAX_FLOWS}. */
    public Builder maxFlows(int value) {
      maxFlows = value;
      return this;
    }

    /** See {@link PeerLimits#connects()}; default 500/s, burst 500. */
    public Builder connects(RateLimit value) {
      connects = Objects.requireNonNull(value, "connects");
      return this;
    }

    /** See {@link PeerLimits#pings()}; default 10/s, burst 50. */
    public Builder pings(RateLimit value) {
      pings = Objects.requireNonNull(value, "pings");
      return this;
    }

    /** See {@link PeerLimits#windows()}; default 4 000/s, burst 8 000. */
    public Builder windows(RateLimit value) {
      windows = Objects.requireNonNull(value, "windows");
      return this;
    }

    /**
     * The limits.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it, its value and the limit
     */
    public PeerLimits build() {
      return new PeerLimits(this);
    }
  }
}
