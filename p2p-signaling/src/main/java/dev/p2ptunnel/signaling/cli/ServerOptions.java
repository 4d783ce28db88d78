package dev.p2ptunnel.signaling.cli;

import dev.p2ptunnel.signaling.SignalingConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Every setting of the signaling server as a command-line option, each also read from an environment variable
 * ({@code P2P_SIGNAL_…}, for containers); the option wins over the variable, the variable over the default. A
 * picocli mixin: {@code p2p-signaling} (this module's {@link Main}) and {@code p2p-tunnel signal} (the demo) mix it
 * in. Set by picocli; not thread-safe.
 */
public final class ServerOptions {
  /** The logger of the access log (one line per request). */
  public static final String ACCESS_LOGGER = "dev.p2ptunnel.signaling.access";

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:P2P_SIGNAL_PORT:-8787}",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one). Env P2P_SIGNAL_PORT.")
  public int port = 8787;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "${env:P2P_SIGNAL_BIND:-0.0.0.0}",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, every interface). Env P2P_SIGNAL_BIND.")
  public String bind = "0.0.0.0";

  @Option(names = "--redis", paramLabel = "URI", defaultValue = "${env:P2P_SIGNAL_REDIS}",
      description = "Keep sessions in this Redis (redis://[user:password@]HOST:PORT[/DB], rediss:// for TLS) so that "
          + "several instances serve them; default: in memory, one instance. Env P2P_SIGNAL_REDIS.")
  @Nullable String redis;

  @Option(names = "--redis-prefix", paramLabel = "TEXT", defaultValue = "${env:P2P_SIGNAL_REDIS_PREFIX:-p2pt:}",
      description = "Prefix of this deployment's Redis keys (default: ${DEFAULT-VALUE}). Env P2P_SIGNAL_REDIS_PREFIX.")
  String redisPrefix = "p2pt:";

  @Option(names = "--trusted-proxy", paramLabel = "CIDR", split = ",",
      defaultValue = "${env:P2P_SIGNAL_TRUSTED_PROXIES}",
      description = "A reverse proxy or load balancer (address or range) whose X-Forwarded-For is believed and whose "
          + "connections are not capped; repeat or separate with commas. Env P2P_SIGNAL_TRUSTED_PROXIES.")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--metrics-allow", paramLabel = "CIDR", split = ",",
      defaultValue = "${env:P2P_SIGNAL_METRICS_ALLOW:-127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,"
          + "fc00::/7}",
      description = "Who may read /metrics (default: loopback and private ranges). Env P2P_SIGNAL_METRICS_ALLOW.")
  List<String> metricsAllow = new ArrayList<>();

  @Option(names = "--access-log", negatable = true, defaultValue = "${env:P2P_SIGNAL_ACCESS_LOG:-true}",
      description = "One line per request to standard output (default: on; --no-access-log: off). Env "
          + "P2P_SIGNAL_ACCESS_LOG.")
  boolean accessLog = true;

  @Option(names = "--session-ttl", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_SESSION_TTL:-1h}",
      description = "A session ends after its host is silent this long (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_SESSION_TTL.")
  Duration sessionTtl = Duration.ofHours(1);

  @Option(names = "--unjoined-session-ttl", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_UNJOINED_SESSION_TTL:-5m}",
      description = "The same for a session no client ever asked to join (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_UNJOINED_SESSION_TTL.")
  Duration unjoinedSessionTtl = Duration.ofMinutes(5);

  @Option(names = "--join-ttl", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_JOIN_TTL:-10m}",
      description = "An undecided join request expires after this (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_JOIN_TTL.")
  Duration joinTtl = Duration.ofMinutes(10);

  @Option(names = "--max-poll-wait", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_MAX_POLL_WAIT:-25s}",
      description = "Longest long-poll (default: ${DEFAULT-VALUE}; keep it under your proxy's timeout). Env "
          + "P2P_SIGNAL_MAX_POLL_WAIT.")
  Duration maxPollWait = Duration.ofSeconds(25);

  @Option(names = "--header-timeout", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_HEADER_TIMEOUT:-10s}",
      description = "A request's headers must arrive within this (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_HEADER_TIMEOUT.")
  Duration headerTimeout = Duration.ofSeconds(10);

  @Option(names = "--body-timeout", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_BODY_TIMEOUT:-10s}",
      description = "A request's body must arrive within this (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_BODY_TIMEOUT.")
  Duration bodyTimeout = Duration.ofSeconds(10);

  @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = Durations.class,
      defaultValue = "${env:P2P_SIGNAL_IDLE_TIMEOUT:-60s}",
      description = "A silent connection is closed after this (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_IDLE_TIMEOUT.")
  Duration idleTimeout = Duration.ofSeconds(60);

  @Option(names = "--max-header-bytes", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_MAX_HEADER_BYTES:-8192}",
      description = "Request line and headers at most (default: ${DEFAULT-VALUE}; 431/414 beyond). Env "
          + "P2P_SIGNAL_MAX_HEADER_BYTES.")
  int maxHeaderBytes = 8192;

  @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_MAX_BODY_BYTES:-65536}",
      description = "Request body at most (default: ${DEFAULT-VALUE}; 413 beyond). Env P2P_SIGNAL_MAX_BODY_BYTES.")
  int maxBodyBytes = 65536;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_MAX_CONNECTIONS:-20000}",
      description = "Open connections at most (default: ${DEFAULT-VALUE}). Env P2P_SIGNAL_MAX_CONNECTIONS.")
  int maxConnections = 20_000;

  @Option(names = "--max-connections-per-address", paramLabel = "N",
      defaultValue = "${env:P2P_SIGNAL_MAX_CONNECTIONS_PER_ADDRESS:-64}",
      description = "Open connections from one address at most (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_MAX_CONNECTIONS_PER_ADDRESS.")
  int maxConnectionsPerAddress = 64;

  @Option(names = "--requests-per-second", paramLabel = "N",
      defaultValue = "${env:P2P_SIGNAL_REQUESTS_PER_SECOND:-20}",
      description = "Requests a second from one address (default: ${DEFAULT-VALUE}, bursts of 5 s worth; 429 "
          + "beyond). Env P2P_SIGNAL_REQUESTS_PER_SECOND.")
  int requestsPerSecond = 20;

  @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_MAX_SESSIONS:-10000}",
      description = "Live sessions at most; then the oldest idle one makes room (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_MAX_SESSIONS.")
  int maxSessions = 10_000;

  @Option(names = "--max-clients-per-session", paramLabel = "N",
      defaultValue = "${env:P2P_SIGNAL_MAX_CLIENTS_PER_SESSION:-16}",
      description = "Highest maxClients a host may ask (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_MAX_CLIENTS_PER_SESSION.")
  int maxClientsPerSession = 16;

  @Option(names = "--creates-per-minute", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_CREATES_PER_MINUTE:-10}",
      description = "Session creations per address a minute (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_CREATES_PER_MINUTE.")
  int createsPerMinute = 10;

  @Option(names = "--creates-per-minute-per-prefix", paramLabel = "N",
      defaultValue = "${env:P2P_SIGNAL_CREATES_PER_MINUTE_PER_PREFIX:-60}",
      description = "Session creations per network (--ipv4-prefix, --ipv6-prefix) a minute (default: "
          + "${DEFAULT-VALUE}). Env P2P_SIGNAL_CREATES_PER_MINUTE_PER_PREFIX.")
  int createsPerMinutePerPrefix = 60;

  @Option(names = "--ipv4-prefix", paramLabel = "BITS", defaultValue = "${env:P2P_SIGNAL_IPV4_PREFIX:-24}",
      description = "IPv4 network size for per-network limits (default: /${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_IPV4_PREFIX.")
  int ipv4Prefix = 24;

  @Option(names = "--ipv6-prefix", paramLabel = "BITS", defaultValue = "${env:P2P_SIGNAL_IPV6_PREFIX:-56}",
      description = "IPv6 network size for per-network limits (default: /${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_IPV6_PREFIX.")
  int ipv6Prefix = 56;

  @Option(names = "--joins-per-minute", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_JOINS_PER_MINUTE:-10}",
      description = "Join requests per address a minute (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_JOINS_PER_MINUTE.")
  int joinsPerMinute = 10;

  @Option(names = "--joins-per-session-per-minute", paramLabel = "N",
      defaultValue = "${env:P2P_SIGNAL_JOINS_PER_SESSION_PER_MINUTE:-30}",
      description = "Join requests to one session a minute (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_JOINS_PER_SESSION_PER_MINUTE.")
  int joinsPerSessionPerMinute = 30;

  @Option(names = "--max-parked-polls", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_MAX_PARKED_POLLS:-10000}",
      description = "Waiting long-polls per instance at most (default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_MAX_PARKED_POLLS.")
  int maxParkedPolls = 10_000;

  @Option(names = "--max-stored-chars", paramLabel = "N",
      defaultValue = "${env:P2P_SIGNAL_MAX_STORED_CHARS:-67108864}",
      description = "Characters of SDP held in memory at most (in-memory store; default: ${DEFAULT-VALUE}). Env "
          + "P2P_SIGNAL_MAX_STORED_CHARS.")
  long maxStoredChars = 64L << 20;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "${env:P2P_SIGNAL_THREADS:-16}",
      description = "HTTP threads at most (default: ${DEFAULT-VALUE}). Env P2P_SIGNAL_THREADS.")
  int threads = 16;

  /** Every option at its default (or its environment variable), until picocli sets it. */
  public ServerOptions() {}

  /**
   * The configuration these options describe.
   *
   * @throws IllegalArgumentException naming the option whose value is not usable
   */
  public SignalingConfig config() {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port " + port + ": out of range (expected: 0-65535)");
    }
    URI redisUri = null;
    if (redis != null && !redis.isBlank()) {
      try {
        redisUri = new URI(redis.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("--redis " + redis + ": not a URI (expected: redis://HOST:PORT)");
      }
    }
    try {
      return SignalingConfig.builder().sessionTtl(sessionTtl).unjoinedSessionTtl(unjoinedSessionTtl).joinTtl(joinTtl)
          .maxPollWait(maxPollWait).headerTimeout(headerTimeout).bodyTimeout(bodyTimeout).idleTimeout(idleTimeout)
          .maxHeaderBytes(maxHeaderBytes).maxBodyBytes(maxBodyBytes).maxConnections(maxConnections)
          .maxConnectionsPerAddress(maxConnectionsPerAddress).requestsPerSecondPerAddress(requestsPerSecond)
          .maxSessions(maxSessions).maxClientsPerSession(maxClientsPerSession).createsPerMinute(createsPerMinute)
          .createsPerMinutePerPrefix(createsPerMinutePerPrefix).ipv4PrefixBits(ipv4Prefix)
          .ipv6PrefixBits(ipv6Prefix).joinsPerMinute(joinsPerMinute)
          .joinsPerSessionPerMinute(joinsPerSessionPerMinute).maxParkedPolls(maxParkedPolls)
          .maxStoredChars(maxStoredChars).threads(threads).redis(redisUri).redisPrefix(redisPrefix)
          .trustedProxies(nonBlank(trustedProxies)).metricsAllow(nonBlank(metricsAllow)).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(optionName(e.getMessage()), e);
    }
  }

  /** {@code maxBodyBytes: 0 (expected: >= 1)} → {@code --max-body-bytes 0 (expected: >= 1)}. */
  private static String optionName(String message) {
    int colon = message.indexOf(':');
    if (colon <= 0) {
      return message;
    }
    String field = message.substring(0, colon);
    StringBuilder option = new StringBuilder("--");
    for (char c : field.toCharArray()) {
      if (Character.isUpperCase(c)) {
        option.append('-').append(Character.toLowerCase(c));
      } else {
        option.append(c);
      }
    }
    String name = option.toString().replace("--requests-per-second-per-address", "--requests-per-second")
        .replace("--ipv4-prefix-bits", "--ipv4-prefix").replace("--ipv6-prefix-bits", "--ipv6-prefix");
    return name + message.substring(colon + 1);
  }

  private static List<String> nonBlank(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        out.add(value.trim());
      }
    }
    return out;
  }

  /** The address to bind, as given. */
  public String bind() {
    return bind;
  }

  /** The port to bind (0: any free one). */
  public int port() {
    return port;
  }

  /**
   * Routes the access log ({@link #ACCESS_LOGGER}, one line per request) to {@code out} as bare lines, or silences
   * it with {@code --no-access-log}. Changes java.util.logging for the whole JVM: for applications, not libraries.
   */
  public void installAccessLog(PrintStream out) {
    Logger logger = Logger.getLogger(ACCESS_LOGGER);
    for (Handler handler : logger.getHandlers()) {
      logger.removeHandler(handler);
    }
    logger.setUseParentHandlers(false);
    if (!accessLog) {
      logger.setLevel(Level.OFF);
      return;
    }
    logger.setLevel(Level.INFO);
    StreamHandler handler = new StreamHandler(out, new java.util.logging.Formatter() {
      @Override
      public String format(LogRecord record) {
        return "access " + record.getMessage() + System.lineSeparator();
      }
    }) {
      @Override
      public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    handler.setLevel(Level.INFO);
    logger.addHandler(handler);
    ACCESS_LOG_HOLD.add(logger);
  }

  /** Keeps the configured logger reachable: java.util.logging holds loggers weakly. */
  private static final List<Logger> ACCESS_LOG_HOLD = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** {@code 250ms}, {@code 25s}, {@code 10m}, {@code 1h}, {@code 2d}. */
  static final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.trim().toLowerCase(Locale.ROOT);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(text);
      if (!m.matches()) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration (expected: a "
            + "number and ms, s, m, h or d, e.g. 25s)");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
  }
}
