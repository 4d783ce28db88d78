package dev.p2ptunnel.webrtc;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link WebRtcSession} connects. Immutable; build with {@link #builder()}.
 *
 * <p>IPv6 candidates cannot be switched off: libwebrtc (as bound by webrtc-java 0.14.0) forces its IPv6 flag on,
 * so a host with IPv6 addresses always offers them.
 *
 * @param iceServers STUN and TURN servers; empty means host candidates only (what tests use)
 * @param relayOnly only relayed (TURN) candidates are used: hides the local addresses from the peer
 * @param minPort lowest local UDP/TCP port to use, 0 for any; each session takes its own port(s)
 * @param maxPort highest local port, 0 for any
 * @param gatheringTimeout upper bound for ICE gathering; when it passes, the description carries what was gathered
 * @param connectTimeout from applying the remote description until the DataChannel is open
 * @param disconnectTimeout how long the connection may stay DISCONNECTED before the session closes
 * @param highWatermarkBytes the most queued send bytes at which the channel stops being writable: every byte queued
 *     delays the next message of any socket by its time on the wire, so the channel keeps less, about 3 ms of what
 *     the path drains (at least 16 KiB), once it has measured that rate
 * @param lowWatermarkBytes queued send bytes at or below which it is writable again, at the highest; the channel keeps
 *     this ratio to the high watermark it uses
 * @param sendLimitBytes queued send bytes past which the channel closes itself (a caller that ignores
 *     writability); kept below libwebrtc's own 16 MiB limit, which closes the channel silently
 */
public record WebRtcConfig(
    List<IceServer> iceServers,
    boolean relayOnly,
    int minPort,
    int maxPort,
    Duration gatheringTimeout,
    Duration connectTimeout,
    Duration disconnectTimeout,
    long highWatermarkBytes,
    long lowWatermarkBytes,
    long sendLimitBytes) {

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

  /** Validates the configuration. */
  public WebRtcConfig {
    iceServers = List.copyOf(iceServers);
    requirePositive("gatheringTimeout", gatheringTimeout);
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("disconnectTimeout", disconnectTimeout);
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

  /** This configuration with another {@link #connectTimeout()}. */
  public WebRtcConfig withConnectTimeout(Duration timeout) {
    return new WebRtcConfig(iceServers, relayOnly, minPort, maxPort, gatheringTimeout, timeout, disconnectTimeout,
        highWatermarkBytes, lowWatermarkBytes, sendLimitBytes);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  /** A builder with the defaults: public STUN servers, any port, 10 s timeouts, 256 KiB / 64 KiB / 12 MiB. */
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

    /** The configuration. */
    public WebRtcConfig build() {
      return new WebRtcConfig(iceServers, relayOnly, minPort, maxPort, gatheringTimeout, connectTimeout,
          disconnectTimeout, highWatermarkBytes, lowWatermarkBytes, sendLimitBytes);
    }
  }
}
