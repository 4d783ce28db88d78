package dev.p2ptunnel.signaling;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Limits, timings and the state store of a {@link SignalingServer} (docs/SIGNALING.md, "Running it for the public").
 * Immutable; built with {@link #builder()}, which starts from the defaults.
 */
public final class SignalingConfig {
  private final Duration sessionTtl;
  private final Duration unjoinedSessionTtl;
  private final Duration joinTtl;
  private final Duration maxPollWait;
  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final Duration idleTimeout;
  private final int maxHeaderBytes;
  private final int maxBodyBytes;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final int requestsPerSecondPerAddress;
  private final int maxSessions;
  private final int maxClientsPerSession;
  private final int createsPerMinute;
  private final int createsPerMinutePerPrefix;
  private final int ipv4PrefixBits;
  private final int ipv6PrefixBits;
  private final int joinsPerMinute;
  private final int joinsPerSessionPerMinute;
  private final int maxParkedPolls;
  private final long maxStoredChars;
  private final int threads;
  private final @Nullable URI redis;
  private final String redisPrefix;
  private final List<String> trustedProxies;
  private final List<String> metricsAllow;

  private SignalingConfig(Builder b) {
    sessionTtl = positive("sessionTtl", b.sessionTtl);
    unjoinedSessionTtl = positive("unjoinedSessionTtl", b.unjoinedSessionTtl);
    joinTtl = positive("joinTtl", b.joinTtl);
    maxPollWait = positive("maxPollWait", b.maxPollWait);
    headerTimeout = positive("headerTimeout", b.headerTimeout);
    bodyTimeout = positive("bodyTimeout", b.bodyTimeout);
    idleTimeout = positive("idleTimeout", b.idleTimeout);
    if (idleTimeout.compareTo(maxPollWait.plusSeconds(5)) < 0) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: at least maxPollWait + 5 s = "
          + maxPollWait.plusSeconds(5) + ", or waiting polls would be cut)");
    }
    maxHeaderBytes = atLeast("maxHeaderBytes", b.maxHeaderBytes, 1024);
    maxBodyBytes = atLeast("maxBodyBytes", b.maxBodyBytes, 1);
    maxConnections = atLeast("maxConnections", b.maxConnections, 1);
    maxConnectionsPerAddress = atLeast("maxConnectionsPerAddress", b.maxConnectionsPerAddress, 1);
    requestsPerSecondPerAddress = atLeast("requestsPerSecondPerAddress", b.requestsPerSecondPerAddress, 1);
    maxSessions = atLeast("maxSessions", b.maxSessions, 1);
    maxClientsPerSession = atLeast("maxClientsPerSession", b.maxClientsPerSession, 1);
    createsPerMinute = atLeast("createsPerMinute", b.createsPerMinute, 1);
    createsPerMinutePerPrefix = atLeast("createsPerMinutePerPrefix", b.createsPerMinutePerPrefix, 1);
    if (b.ipv4PrefixBits < 8 || b.ipv4PrefixBits > 32) {
      throw new IllegalArgumentException("ipv4PrefixBits: " + b.ipv4PrefixBits + " (expected: 8..32)");
    }
    ipv4PrefixBits = b.ipv4PrefixBits;
    if (b.ipv6PrefixBits < 16 || b.ipv6PrefixBits > 128) {
      throw new IllegalArgumentException("ipv6PrefixBits: " + b.ipv6PrefixBits + " (expected: 16..128)");
    }
    ipv6PrefixBits = b.ipv6PrefixBits;
    joinsPerMinute = atLeast("joinsPerMinute", b.joinsPerMinute, 1);
    joinsPerSessionPerMinute = atLeast("joinsPerSessionPerMinute", b.joinsPerSessionPerMinute, 1);
    maxParkedPolls = atLeast("maxParkedPolls", b.maxParkedPolls, 1);
    if (b.maxStoredChars <= 0) {
      throw new IllegalArgumentException("maxStoredChars: " + b.maxStoredChars + " (expected: > 0)");
    }
    maxStoredChars = b.maxStoredChars;
    threads = atLeast("threads", b.threads, 8);
    if (b.redis != null && !"redis".equals(b.redis.getScheme()) && !"rediss".equals(b.redis.getScheme())) {
      throw new IllegalArgumentException("redis: " + b.redis + " (expected: redis://HOST:PORT or rediss://…)");
    }
    redis = b.redis;
    if (b.redisPrefix.isEmpty() || b.redisPrefix.length() > 64 || b.redisPrefix.contains("{")) {
      throw new IllegalArgumentException("redisPrefix: \"" + b.redisPrefix + "\" (expected: 1..64 characters "
          + "without '{')");
    }
    redisPrefix = b.redisPrefix;
    trustedProxies = List.copyOf(b.trustedProxies);
    metricsAllow = List.copyOf(b.metricsAllow);
  }

  private static Duration positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  private static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  /** Every default: see {@link Builder}. */
  public static SignalingConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return builder().sessionTtl(sessionTtl).unjoinedSessionTtl(unjoinedSessionTtl).joinTtl(joinTtl)
        .maxPollWait(maxPollWait).headerTimeout(headerTimeout).bodyTimeout(bodyTimeout).idleTimeout(idleTimeout)
        .maxHeaderBytes(maxHeaderBytes).maxBodyBytes(maxBodyBytes).maxConnections(maxConnections)
        .maxConnectionsPerAddress(maxConnectionsPerAddress).requestsPerSecondPerAddress(requestsPerSecondPerAddress)
        .maxSessions(maxSessions).maxClientsPerSession(maxClientsPerSession).createsPerMinute(createsPerMinute)
        .createsPerMinutePerPrefix(createsPerMinutePerPrefix).ipv4PrefixBits(ipv4PrefixBits)
        .ipv6PrefixBits(ipv6PrefixBits).joinsPerMinute(joinsPerMinute).joinsPerSessionPerMinute(joinsPerSessionPerMinute)
        .maxParkedPolls(maxParkedPolls).maxStoredChars(maxStoredChars).threads(threads).redis(redis)
        .redisPrefix(redisPrefix).trustedProxies(trustedProxies).metricsAllow(metricsAllow);
  }

  /** A session ends when its host has made no request (and had no poll waiting) for this long. */
  public Duration sessionTtl() {
    return sessionTtl;
  }

  /** Like {@link #sessionTtl()} for a session that never saw a join request: shorter, so abandoned ones go soon. */
  public Duration unjoinedSessionTtl() {
    return unjoinedSessionTtl;
  }

  /** An undecided join request expires after this; a finished one stays readable this long. */
  public Duration joinTtl() {
    return joinTtl;
  }

  /** The longest a long-poll waits before answering "nothing yet" (keep it under proxies' timeouts). */
  public Duration maxPollWait() {
    return maxPollWait;
  }

  /** A connection must deliver a request's headers within this, from its opening or its previous response. */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** A request's whole body must arrive within this from its headers; else 408 and the connection is closed. */
  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  /** A connection with no byte either way for this long is closed (longer than {@link #maxPollWait()}). */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Request line and headers together at most this many bytes: 414 for a longer URI, 431 for more headers. */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** Larger request bodies get 413. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Open connections at most; beyond, new ones wait in the kernel's backlog. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Open connections from one client address at most; more are closed at once (trusted proxies excepted). */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** Requests a second from one client address (a leaking bucket, burst of 5 seconds' worth); more get 429. */
  public int requestsPerSecondPerAddress() {
    return requestsPerSecondPerAddress;
  }

  /** Live sessions at most; at the limit the oldest idle one is evicted, and if none is idle a creation gets 429. */
  public int maxSessions() {
    return maxSessions;
  }

  /** The highest {@code maxClients} a host may ask for. */
  public int maxClientsPerSession() {
    return maxClientsPerSession;
  }

  /** Session creations per client address a minute (also the burst). */
  public int createsPerMinute() {
    return createsPerMinute;
  }

  /** Session creations per network prefix ({@link #ipv4PrefixBits()}, {@link #ipv6PrefixBits()}) a minute. */
  public int createsPerMinutePerPrefix() {
    return createsPerMinutePerPrefix;
  }

  /** The IPv4 prefix length that makes one network for {@link #createsPerMinutePerPrefix()} (24). */
  public int ipv4PrefixBits() {
    return ipv4PrefixBits;
  }

  /** The IPv6 prefix length that makes one network (56: what a provider usually gives one customer). */
  public int ipv6PrefixBits() {
    return ipv6PrefixBits;
  }

  /** Join requests per client address a minute (also the burst). */
  public int joinsPerMinute() {
    return joinsPerMinute;
  }

  /** Join requests to one session a minute, from all addresses (also the burst). */
  public int joinsPerSessionPerMinute() {
    return joinsPerSessionPerMinute;
  }

  /** Long-polls waiting at once in this instance; one more gets 429. */
  public int maxParkedPolls() {
    return maxParkedPolls;
  }

  /** Characters of SDP and names held at once by the in-memory store; a join past it gets 429. */
  public long maxStoredChars() {
    return maxStoredChars;
  }

  /** The most HTTP threads (they never wait for events, only run handlers and write replies). */
  public int threads() {
    return threads;
  }

  /** The Redis server that holds the state shared by every instance, or null for the in-memory store. */
  public @Nullable URI redis() {
    return redis;
  }

  /** The prefix of every Redis key and channel of this server (several deployments can share one Redis). */
  public String redisPrefix() {
    return redisPrefix;
  }

  /**
   * Addresses or CIDR ranges of reverse proxies and load balancers whose {@code X-Forwarded-For} is believed: the
   * client address is then the last one in that header not itself trusted.
   */
  public List<String> trustedProxies() {
    return trustedProxies;
  }

  /** Addresses or CIDR ranges that may read {@code /metrics} (others get 404). */
  public List<String> metricsAllow() {
    return metricsAllow;
  }

  /** Builds a {@link SignalingConfig}; every setter names its default. Not thread-safe. */
  public static final class Builder {
    private Duration sessionTtl = Duration.ofHours(1);
    private Duration unjoinedSessionTtl = Duration.ofMinutes(5);
    private Duration joinTtl = Duration.ofMinutes(10);
    private Duration maxPollWait = Duration.ofSeconds(25);
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration bodyTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxHeaderBytes = 8 * 1024;
    private int maxBodyBytes = 64 * 1024;
    private int maxConnections = 20_000;
    private int maxConnectionsPerAddress = 64;
    private int requestsPerSecondPerAddress = 20;
    private int maxSessions = 10_000;
    private int maxClientsPerSession = 16;
    private int createsPerMinute = 10;
    private int createsPerMinutePerPrefix = 60;
    private int ipv4PrefixBits = 24;
    private int ipv6PrefixBits = 56;
    private int joinsPerMinute = 10;
    private int joinsPerSessionPerMinute = 30;
    private int maxParkedPolls = 10_000;
    private long maxStoredChars = 64L << 20;
    private int threads = 16;
    private @Nullable URI redis;
    private String redisPrefix = "p2pt:";
    private List<String> trustedProxies = List.of();
    private List<String> metricsAllow = List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12",
        "192.168.0.0/16", "fc00::/7");

    private Builder() {}

    /** Default 1 h. */
    public Builder sessionTtl(Duration value) {
      sessionTtl = value;
      return this;
    }

    /** Default 5 min. */
    public Builder unjoinedSessionTtl(Duration value) {
      unjoinedSessionTtl = value;
      return this;
    }

    /** Default 10 min. */
    public Builder joinTtl(Duration value) {
      joinTtl = value;
      return this;
    }

    /** Default 25 s. */
    public Builder maxPollWait(Duration value) {
      maxPollWait = value;
      return this;
    }

    /** Default 10 s. */
    public Builder headerTimeout(Duration value) {
      headerTimeout = value;
      return this;
    }

    /** Default 10 s. */
    public Builder bodyTimeout(Duration value) {
      bodyTimeout = value;
      return this;
    }

    /** Default 60 s. */
    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    /** Default 8 KiB. */
    public Builder maxHeaderBytes(int value) {
      maxHeaderBytes = value;
      return this;
    }

    /** Default 64 KiB. */
    public Builder maxBodyBytes(int value) {
      maxBodyBytes = value;
      return this;
    }

    /** Default 20 000. */
    public Builder maxConnections(int value) {
      maxConnections = value;
      return this;
    }

    /** Default 64. */
    public Builder maxConnectionsPerAddress(int value) {
      maxConnectionsPerAddress = value;
      return this;
    }

    /** Default 20. */
    public Builder requestsPerSecondPerAddress(int value) {
      requestsPerSecondPerAddress = value;
      return this;
    }

    /** Default 10 000. */
    public Builder maxSessions(int value) {
      maxSessions = value;
      return this;
    }

    /** Default 16. */
    public Builder maxClientsPerSession(int value) {
      maxClientsPerSession = value;
      return this;
    }

    /** Default 10. */
    public Builder createsPerMinute(int value) {
      createsPerMinute = value;
      return this;
    }

    /** Default 60. */
    public Builder createsPerMinutePerPrefix(int value) {
      createsPerMinutePerPrefix = value;
      return this;
    }

    /** Default 24. */
    public Builder ipv4PrefixBits(int value) {
      ipv4PrefixBits = value;
      return this;
    }

    /** Default 56. */
    public Builder ipv6PrefixBits(int value) {
      ipv6PrefixBits = value;
      return this;
    }

    /** Default 10. */
    public Builder joinsPerMinute(int value) {
      joinsPerMinute = value;
      return this;
    }

    /** Default 30. */
    public Builder joinsPerSessionPerMinute(int value) {
      joinsPerSessionPerMinute = value;
      return this;
    }

    /** Default 10 000. */
    public Builder maxParkedPolls(int value) {
      maxParkedPolls = value;
      return this;
    }

    /** Default 64 Mi. */
    public Builder maxStoredChars(long value) {
      maxStoredChars = value;
      return this;
    }

    /** Default 16 (at least 8: Jetty's acceptor and selector take some). */
    public Builder threads(int value) {
      threads = value;
      return this;
    }

    /** Default none: the in-memory store. */
    public Builder redis(@Nullable URI value) {
      redis = value;
      return this;
    }

    /** Default {@code p2pt:}. */
    public Builder redisPrefix(String value) {
      redisPrefix = value;
      return this;
    }

    /** Default none. */
    public Builder trustedProxies(List<String> value) {
      trustedProxies = List.copyOf(value);
      return this;
    }

    /** Default loopback and the private ranges (10/8, 172.16/12, 192.168/16, fc00::/7). */
    public Builder metricsAllow(List<String> value) {
      metricsAllow = List.copyOf(value);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the setting, its value and what is expected
     */
    public SignalingConfig build() {
      return new SignalingConfig(this);
    }
  }
}
