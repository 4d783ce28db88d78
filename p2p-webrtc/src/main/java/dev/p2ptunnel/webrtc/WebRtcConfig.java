package dev.p2ptunnel.webrtc;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link WebRtcSession} connects; build it with {@link #builder()}, change a copy with {@link #toBuilder()}. A
 * class rather than a record so that settings can be added without breaking callers. Immutable and thread-safe.
 *
 * <p>IPv6 candidates cannot be switched off: libwebrtc (as bound by webrtc-java 0.14.0) forces its IPv6 flag on,
 * so a host with IPv6 addresses always offers them.
 */
public final class WebRtcConfig {

  /** libwebrtc closes a DataChannel whose send queue passes this many bytes. */
  public static final long LIBWEBRTC_SEND_QUEUE_LIMIT = 16L << 20;

  /** The most {@link #sendLimitBytes} may be: one maximal message below libwebrtc's limit, with margin. */
  public static final long MAX_SEND_LIMIT_BYTES = LIBWEBRTC_SEND_QUEUE_LIMIT - (1L << 20);

  /** Public STUN servers, used by {@link #builder()} unless {@link Builder#iceServers} replaces them. */
  public static final List<IceServer> DEFAULT_ICE_SERVERS = List.of(
      IceServer.stun("stun:stun.l.google.com:19302"),
      IceServer.stun("stun:stun1.l.google.com:19302"),
      IceServer.stun("stun:stun.cloudflare.com:3478"));

  /**
   * One STUN or TURN server.
   *
   * @param urls e.g. {@code stun:host:3478}, {@code turn:host:3478?transport=udp}, {@code turns:host:5349}
   * @param username TURN user name, empty for STUN
   * @param credential TURN password, empty for STUN; never printed by {@link #toString()}
   */
  public record IceServer(List<String> urls, String username, String credential) {
    /** Validates and copies the URL list. */
    public IceServer {
      urls = List.copyOf(urls);
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(credential, "credential");
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("urls: [] (expected: at least one stun:, turn: or turns: URL)");
      }
      for (String url : urls) {
        if (!(url.startsWith("stun:") || url.startsWith("stuns:") || url.startsWith("turn:")
            || url.startsWith("turns:"))) {
          throw new IllegalArgumentException("url: " + url + " (expected: stun:, stuns:, turn: or turns:)");
        }
      }
    }

    /** A STUN server. */
    public static IceServer stun(String url) {
      return new IceServer(List.of(url), "", "");
    }

    /** A TURN server with long-term credentials. */
    public static IceServer turn(String url, String username, String credential) {
      return new IceServer(List.of(url), username, credential);
    }

    /** URLs and user name; the credential is masked. */
    @Override
    public String toString() {
      return "IceServer[urls=" + urls + ", username=" + username + ", credential="
          + (credential.isEmpty() ? "" : "***") + "]";
    }
  }

  /**
   * How a tunnel's client gets its path back (docs/SIGNALING.md, "Reconnecting"); build it with
   * {@link #builder()} or start from {@link #defaults()}. libwebrtc 0.14.0's own timing is fixed: with nothing
   * arriving, the connection is DISCONNECTED after ~7.5 s and FAILED after ~17.5 s, and after FAILED it never
   * recovers by itself. Immutable and thread-safe.
   */
  public static final class Reconnect {
    private static final Reconnect DEFAULTS = new Builder().build();

    private final Duration iceRestartInterval;
    private final Duration rejoinBackoffMin;
    private final Duration rejoinBackoffMax;
    private final Duration networkPollInterval;

    private Reconnect(Builder b) {
      iceRestartInterval = requirePositive("iceRestartInterval", b.iceRestartInterval);
      rejoinBackoffMin = requirePositive("rejoinBackoffMin", b.rejoinBackoffMin);
      rejoinBackoffMax = requirePositive("rejoinBackoffMax", b.rejoinBackoffMax);
      networkPollInterval = requirePositive("networkPollInterval", b.networkPollInterval);
      if (rejoinBackoffMax.compareTo(rejoinBackoffMin) < 0) {
        throw new IllegalArgumentException("rejoinBackoffMax: " + rejoinBackoffMax + " (expected: >= rejoinBackoffMin "
            + rejoinBackoffMin + ")");
      }
    }

    /** A restart every 5 s, rejoins 0.5 s then doubling up to 5 s, the network looked at every 3 s. */
    public static Reconnect defaults() {
      return DEFAULTS;
    }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
      return new Builder().iceRestartInterval(iceRestartInterval).rejoinBackoff(rejoinBackoffMin, rejoinBackoffMax)
          .networkPollInterval(networkPollInterval);
    }

    /**
     * While the path is down and the signaling carries ICE restarts, one every this long (measured: a restart every
     * 5 s brought data back 0.07 s after the network did).
     */
    public Duration iceRestartInterval() {
      return iceRestartInterval;
    }

    /**
     * The wait before the second rejoin attempt when the session cannot be saved; it doubles with every failed
     * attempt, with jitter (a random 50 to 100 % of the wait).
     */
    public Duration rejoinBackoffMin() {
      return rejoinBackoffMin;
    }

    /** The longest wait between two rejoin attempts. */
    public Duration rejoinBackoffMax() {
      return rejoinBackoffMax;
    }

    /**
     * How often the client looks at its network interfaces for a change that calls for an ICE restart (webrtc-java
     * installs no network monitor).
     */
    public Duration networkPollInterval() {
      return networkPollInterval;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Reconnect && iceRestartInterval.equals(((Reconnect) o).iceRestartInterval)
          && rejoinBackoffMin.equals(((Reconnect) o).rejoinBackoffMin)
          && rejoinBackoffMax.equals(((Reconnect) o).rejoinBackoffMax)
          && networkPollInterval.equals(((Reconnect) o).networkPollInterval);
    }

    @Override
    public int hashCode() {
      return Objects.hash(iceRestartInterval, rejoinBackoffMin, rejoinBackoffMax, networkPollInterval);
    }

    @Override
    public String toString() {
      return "Reconnect[iceRestartInterval=" + iceRestartInterval + ", rejoinBackoffMin=" + rejoinBackoffMin
          + ", rejoinBackoffMax=" + rejoinBackoffMax + ", networkPollInterval=" + networkPollInterval + "]";
    }

    /** Builds a {@link Reconnect}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
      private Duration iceRestartInterval = Duration.ofSeconds(5);
      private Duration rejoinBackoffMin = Duration.ofMillis(500);
      private Duration rejoinBackoffMax = Duration.ofSeconds(5);
      private Duration networkPollInterval = Duration.ofSeconds(3);

      private Builder() {}

      /** See {@link Reconnect#iceRestartInterval()}; default 5 s. */
      public Builder iceRestartInterval(Duration value) {
        iceRestartInterval = Objects.requireNonNull(value, "iceRestartInterval");
        return this;
      }

      /** See {@link Reconnect#rejoinBackoffMin()} and {@link Reconnect#rejoinBackoffMax()}; default 0.5 s and 5 s. */
      public Builder rejoinBackoff(Duration min, Duration max) {
        rejoinBackoffMin = Objects.requireNonNull(min, "rejoinBackoffMin");
        rejoinBackoffMax = Objects.requireNonNull(max, "rejoinBackoffMax");
        return this;
      }

      /** See {@link Reconnect#networkPollInterval()}; default 3 s. */
      public Builder networkPollInterval(Duration value) {
        networkPollInterval = Objects.requireNonNull(value, "networkPollInterval");
        return this;
      }

      /**
       * The settings.
       *
       * @throws IllegalArgumentException if a value is out of range, naming it, its value and the limit
       */
      public Reconnect build() {
        return new Reconnect(this);
      }
    }
  }

  private final List<IceServer> iceServers;
  private final boolean relayOnly;
  private final int minPort;
  private final int maxPort;
  private final Duration gatheringTimeout;
  private final Duration connectTimeout;
  private final Duration disconnectTimeout;
  private final long highWatermarkBytes;
  private final long lowWatermarkBytes;
  private final long sendLimitBytes;
  private final Reconnect reconnect;

  private WebRtcConfig(Builder b) {
    iceServers = List.copyOf(b.iceServers);
    relayOnly = b.relayOnly;
    minPort = b.minPort;
    maxPort = b.maxPort;
    gatheringTimeout = requirePositive("gatheringTimeout", b.gatheringTimeout);
    connectTimeout = requirePositive("connectTimeout", b.connectTimeout);
    disconnectTimeout = requirePositive("disconnectTimeout", b.disconnectTimeout);
    highWatermarkBytes = b.highWatermarkBytes;
    lowWatermarkBytes = b.lowWatermarkBytes;
    sendLimitBytes = b.sendLimitBytes;
    reconnect = Objects.requireNonNull(b.reconnect, "reconnect");
    if (minPort < 0 || maxPort > 65_535 || minPort > maxPort || (minPort == 0) != (maxPort == 0)) {
      throw new IllegalArgumentException("port range: " + minPort + "-" + maxPort
          + " (expected: 0-0 for any, or 1 <= minPort <= maxPort <= 65535)");
    }
    if (lowWatermarkBytes < 0 || lowWatermarkBytes >= highWatermarkBytes) {
      throw new IllegalArgumentException("lowWatermarkBytes: " + lowWatermarkBytes
          + " (expected: 0 <= low < highWatermarkBytes " + highWatermarkBytes + ")");
    }
    if (sendLimitBytes < highWatermarkBytes + 65_536 || sendLimitBytes > MAX_SEND_LIMIT_BYTES) {
      throw new IllegalArgumentException("sendLimitBytes: " + sendLimitBytes + " (expected: highWatermarkBytes "
          + highWatermarkBytes + " + 65536 <= limit <= " + MAX_SEND_LIMIT_BYTES + ")");
    }
  }

  /** STUN and TURN servers; empty means host candidates only (what tests use). */
  public List<IceServer> iceServers() {
    return iceServers;
  }

  /** Whether only relayed (TURN) candidates are used: hides the local addresses from the peer. */
  public boolean relayOnly() {
    return relayOnly;
  }

  /** Lowest local UDP/TCP port to use, 0 for any; each session takes its own port(s). */
  public int minPort() {
    return minPort;
  }

  /** Highest local port, 0 for any. */
  public int maxPort() {
    return maxPort;
  }

  /** Upper bound for ICE gathering; when it passes, the description carries what was gathered. */
  public Duration gatheringTimeout() {
    return gatheringTimeout;
  }

  /** From applying the remote description until the DataChannel is open. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long the connection may stay DISCONNECTED before a session of its own closes (a tunnel's sessions do not:
   * the tunnel restarts ICE or rejoins instead).
   */
  public Duration disconnectTimeout() {
    return disconnectTimeout;
  }

  /**
   * The most queued send bytes at which the channel stops being writable: every byte queued delays the next message
   * of any socket by its time on the wire, so the channel keeps less, about 3 ms of what the path drains (at least
   * 16 KiB), once it has measured that rate.
   */
  public long highWatermarkBytes() {
    return highWatermarkBytes;
  }

  /**
   * Queued send bytes at or below which it is writable again, at the highest; the channel keeps this ratio to the
   * high watermark it uses.
   */
  public long lowWatermarkBytes() {
    return lowWatermarkBytes;
  }

  /**
   * Queued send bytes past which the channel closes itself (a caller that ignores writability); kept below
   * libwebrtc's own 16 MiB limit, which closes the channel silently.
   */
  public long sendLimitBytes() {
    return sendLimitBytes;
  }

  /** How a tunnel's client gets its path back after the network failed or changed. */
  public Reconnect reconnect() {
    return reconnect;
  }

  /** A builder holding this configuration, to change some of it. */
  public Builder toBuilder() {
    return new Builder().iceServers(iceServers).relayOnly(relayOnly).portRange(minPort, maxPort)
        .gatheringTimeout(gatheringTimeout).connectTimeout(connectTimeout).disconnectTimeout(disconnectTimeout)
        .sendQueue(highWatermarkBytes, lowWatermarkBytes, sendLimitBytes).reconnect(reconnect);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof WebRtcConfig)) {
      return false;
    }
    WebRtcConfig c = (WebRtcConfig) o;
    return iceServers.equals(c.iceServers) && relayOnly == c.relayOnly && minPort == c.minPort
        && maxPort == c.maxPort && gatheringTimeout.equals(c.gatheringTimeout)
        && connectTimeout.equals(c.connectTimeout)
        && disconnectTimeout.equals(c.disconnectTimeout) && highWatermarkBytes == c.highWatermarkBytes
        && lowWatermarkBytes == c.lowWatermarkBytes && sendLimitBytes == c.sendLimitBytes
        && reconnect.equals(c.reconnect);
  }

  @Override
  public int hashCode() {
    return Objects.hash(iceServers, relayOnly, minPort, maxPort, gatheringTimeout, connectTimeout, disconnectTimeout,
        highWatermarkBytes, lowWatermarkBytes, sendLimitBytes, reconnect);
  }

  /** Every setting; TURN credentials are masked. */
  @Override
  public String toString() {
    return "WebRtcConfig[iceServers=" + iceServers + ", relayOnly=" + relayOnly + ", minPort=" + minPort
        + ", maxPort=" + maxPort + ", gatheringTimeout=" + gatheringTimeout + ", connectTimeout=" + connectTimeout
        + ", disconnectTimeout=" + disconnectTimeout + ", highWatermarkBytes=" + highWatermarkBytes
        + ", lowWatermarkBytes=" + lowWatermarkBytes + ", sendLimitBytes=" + sendLimitBytes + ", reconnect="
        + reconnect + "]";
  }

  /** This configuration with another {@link #connectTimeout()}. */
  public WebRtcConfig withConnectTimeout(Duration timeout) {
    return toBuilder().connectTimeout(timeout).build();
  }

  private static Duration requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /**
   * A builder with the defaults: public STUN servers, any port, gathering 10 s, connect 15 s, disconnect 10 s,
   * 256 KiB / 64 KiB / 12 MiB.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link WebRtcConfig}; not thread-safe. */
  public static final class Builder {
    private List<IceServer> iceServers = DEFAULT_ICE_SERVERS;
    private boolean relayOnly;
    private int minPort;
    private int maxPort;
    private Duration gatheringTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration disconnectTimeout = Duration.ofSeconds(10);
    // Small on purpose: what libwebrtc holds is latency for every socket's next message (a 1 KiB round trip behind
    // a download waited ~100 ms at 4 MiB, ~10 ms at 256 KiB, with no bulk rate lost; docs/PERFORMANCE.md). The
    // channel keeps less on a slower path (QueueTarget).
    private long highWatermarkBytes = 256L << 10;
    private long lowWatermarkBytes = 64L << 10;
    private long sendLimitBytes = 12L << 20;
    private Reconnect reconnect = Reconnect.defaults();

    private Builder() {}

    /** Replaces the ICE servers; an empty list means host candidates only. */
    public Builder iceServers(List<IceServer> servers) {
      this.iceServers = List.copyOf(servers);
      return this;
    }

    /** Uses only TURN-relayed candidates. */
    public Builder relayOnly(boolean relayOnly) {
      this.relayOnly = relayOnly;
      return this;
    }

    /** Restricts local ports to {@code [minPort, maxPort]}; size it for the number of concurrent sessions. */
    public Builder portRange(int minPort, int maxPort) {
      this.minPort = minPort;
      this.maxPort = maxPort;
      return this;
    }

    /** Upper bound for ICE gathering. */
    public Builder gatheringTimeout(Duration timeout) {
      this.gatheringTimeout = timeout;
      return this;
    }

    /** From applying the remote description until the channel is open. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** How long a DISCONNECTED connection may take to recover before the session closes. */
    public Builder disconnectTimeout(Duration timeout) {
      this.disconnectTimeout = timeout;
      return this;
    }

    /** Send-queue watermarks and the hard limit, in bytes. */
    public Builder sendQueue(long highWatermarkBytes, long lowWatermarkBytes, long sendLimitBytes) {
      this.highWatermarkBytes = highWatermarkBytes;
      this.lowWatermarkBytes = lowWatermarkBytes;
      this.sendLimitBytes = sendLimitBytes;
      return this;
    }

    /** How a tunnel's client gets its path back; see {@link Reconnect}. */
    public Builder reconnect(Reconnect value) {
      this.reconnect = Objects.requireNonNull(value, "reconnect");
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if a value is out of range, naming it, its value and the limit
     */
    public WebRtcConfig build() {
      return new WebRtcConfig(this);
    }
  }
}
