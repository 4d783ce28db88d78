package dev.p2ptunnel.signaling.internal;

import static dev.p2ptunnel.signaling.internal.RedisAnswers.parse;
import static dev.p2ptunnel.signaling.internal.RedisAnswers.status;
import static dev.p2ptunnel.signaling.internal.RedisAnswers.str;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JoinStatus;
import dev.p2ptunnel.signaling.api.JsonBodies;
import dev.p2ptunnel.signaling.api.SessionIds;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Redis store: every session, join request and rate-limit bucket in one Redis server, so that any number of
 * server instances behind a load balancer serve one set of sessions. Each protocol step is one Lua script (atomic in
 * Redis; {@link RedisScripts}); sessions and joins expire through Redis TTLs; a step that changes a session
 * publishes on that session's channel, and every instance with a poll waiting on it is subscribed (so a host
 * waiting on instance A hears of a join posted to instance B). Host secrets are stored only as SHA-256 hashes. No
 * state of its own beyond the connections: an instance can restart without losing anything. What the scripts answer
 * is read by {@link RedisAnswers}. Lettuce's event-loop threads run the callbacks; thread-safe.
 */
final class RedisStore implements Store {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.signaling");
  /** How many of the oldest sessions a creation at the cap looks at for one to evict. */
  private static final int SWEEP_BATCH = 200;

  private final SignalingConfig config;
  private final Listener listener;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final RedisScripts scripts = new RedisScripts();
  private final RedisAnswers answers;
  private final ScheduledThreadPoolExecutor sweeper;
  private final String prefix;
  private final String[] common;
  private volatile long sessions;
  private volatile boolean closing;
  private int sweepFrom;

  private RedisStore(SignalingConfig config, Listener listener, ClientResources resources, RedisClient client,
      StatefulRedisConnection<String, String> connection,
      StatefulRedisPubSubConnection<String, String> pubsub) {
    this.config = config;
    this.listener = listener;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.redis = connection.async();
    this.pubsub = pubsub;
    this.prefix = config.redisPrefix();
    this.answers = new RedisAnswers(config);
    long sessionTtl = config.sessionTtl().toMillis();
    this.common = new String[] {prefix, "", Long.toString(sessionTtl),
        Long.toString(config.unjoinedSessionTtl().toMillis()), Long.toString(config.joinTtl().toMillis()),
        Long.toString(Limits.hostSilence(config.maxPollWait()).toMillis()),
        Long.toString(MemoryStore.GONE_RETENTION_NS / 1_000_000)};
    this.sweeper = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "p2p-signaling-redis-sweep");
      thread.setDaemon(true);
      return thread;
    });
    pubsub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        onMessage(channel, message);
      }
    });
    sweeper.scheduleWithFixedDelay(this::sweep, 0, 5, TimeUnit.SECONDS);
  }

  /**
   * Connects to {@code config.redis()} (two connections: commands and pub/sub; Lettuce reconnects them by itself).
   *
   * @throws StoreUnavailableException if Redis cannot be reached now, saying why
   */
  static Store connect(SignalingConfig config, Listener listener) {
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .build();
    RedisClient client = RedisClient.create(resources, RedisURI.create(String.valueOf(config.redis())));
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    try {
      StatefulRedisConnection<String, String> connection = client.connect();
      StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub();
      RedisStore store = new RedisStore(config, listener, resources, client, connection, pubsub);
      client.addListener(new RedisConnectionStateListener() {
        private volatile boolean lost;

        @Override
        public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> c, SocketAddress address) {
          if (lost) {
            lost = false;
            LOG.log(Level.WARNING, "connected to Redis at {0} again", address);
            listener.resync(); // messages published while we were away are lost: waiting polls read again
          }
        }

        @Override
        public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> c) {
          if (!store.closing) {
            lost = true;
            LOG.log(Level.WARNING, "lost the connection to Redis; reconnecting");
          }
        }
      });
      return store;
    } catch (RedisException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new StoreUnavailableException("cannot connect to Redis at " + redacted(config) + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
  }

  private static String redacted(SignalingConfig config) {
    java.net.URI uri = config.redis();
    return uri == null ? "?" : uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379
        : uri.getPort());
  }

  private String channel(String id) {
    return prefix + "{" + id + "}:ch";
  }

  private void onMessage(String channel, String message) {
    int open = channel.indexOf('{');
    int close = channel.indexOf('}');
    if (open < 0 || close < open) {
      return;
    }
    String id = channel.substring(open + 1, close);
    Reply ended = null;
    if (message.startsWith("E|")) {
      String[] parts = message.split("\\|");
      ended = answers.ended(id, parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "0").reply();
    }
    listener.changed(id, ended);
  }

  /** Runs a script for session {@code id}; its {@code {'E', …}} answers become the refusals of the protocol. */
  private <T> CompletableFuture<T> run(RedisScripts.Script script, String id, Function<List<Object>, T> ok,
      String... args) {
    String[] all = new String[common.length + args.length];
    System.arraycopy(common, 0, all, 0, common.length);
    all[1] = id;
    System.arraycopy(args, 0, all, common.length, args.length);
    CompletableFuture<List<Object>> result;
    try {
      result = scripts.run(redis, script, prefix + "{" + id + "}:s", all);
    } catch (RedisException e) {
      return CompletableFuture.failedFuture(answers.unavailable(e));
    }
    return result.handle((list, error) -> {
      if (error != null) {
        throw new CompletionException(answers.unavailable(error));
      }
      if (!list.isEmpty() && "E".equals(list.get(0))) {
        throw answers.refusal(id, list);
      }
      return ok.apply(list);
    });
  }

  private static String hash(@Nullable String secret) {
    return secret == null ? "" : HexFormat.of().formatHex(SessionIds.sha256(secret));
  }

  @Override
  public CompletableFuture<Reply> create(Client client, int maxClients, @Nullable String claim) {
    String id = claim != null ? SessionIds.fromClaim(claim) : SessionIds.newSessionId();
    String secret = SessionIds.newHostSecret();
    CompletableFuture<Reply> created = run(RedisScripts.Script.CREATE, id,
        list -> Limits.created(id, secret, maxClients, config), client.address(), client.prefix(),
        Integer.toString(config.createsPerMinute()), Integer.toString(config.createsPerMinutePerPrefix()),
        Integer.toString(config.maxSessions()), Integer.toString(maxClients), hash(secret), claim != null ? "1" : "0",
        Integer.toString(Limits.EVICTION_SCAN));
    return created.handle((reply, error) -> {
      if (error != null && claim == null && RedisAnswers.isCollision(error)) {
        return create(client, maxClients, null); // 140 random bits met an ID in use: draw again
      }
      return error == null ? CompletableFuture.completedFuture(reply) : CompletableFuture.<Reply>failedFuture(error);
    }).thenCompose(f -> f);
  }

  @Override
  public CompletableFuture<Reply> delete(String id, @Nullable String secret) {
    if (secret == null) {
      return CompletableFuture.failedFuture(Errors.noSecret(id));
    }
    return run(RedisScripts.Script.DELETE, id, list -> Reply.of(200, JsonBodies.object()
        .put("sessionId", SessionIds.display(id)).put("status", "closed")), hash(secret));
  }

  @Override
  public CompletableFuture<Reply> join(Client client, String id, String clientName, String offer,
      @Nullable String commitment) {
    String joinId = SessionIds.newJoinId();
    return run(RedisScripts.Script.JOIN, id, list -> Limits.joined(joinId, id, config), client.address(),
        Integer.toString(config.joinsPerMinute()), Integer.toString(config.joinsPerSessionPerMinute()), joinId,
        clientName, offer, commitment == null ? "" : commitment, Integer.toString(MemSession.MAX_UNDECIDED),
        Integer.toString(MemSession.MAX_UNDECIDED_PER_ADDRESS), Integer.toString(MemSession.FINISHED_JOINS_KEPT));
  }

  private CompletableFuture<Reply> step(String verb, String id, @Nullable String secret, String joinId,
      String... fields) {
    boolean host = !verb.equals("reveal") && !verb.equals("withdraw");
    if (host && secret == null) {
      return CompletableFuture.failedFuture(Errors.noSecret(id));
    }
    String[] args = new String[3 + 3];
    args[0] = verb;
    args[1] = hash(secret);
    args[2] = joinId;
    for (int i = 0; i < 3; i++) {
      args[3 + i] = i < fields.length && fields[i] != null ? fields[i] : "";
    }
    return run(RedisScripts.Script.STEP, id, list -> Views.status(joinId, status(str(list, 1))), args);
  }

  @Override
  public CompletableFuture<Reply> challenge(String id, @Nullable String secret, String joinId, String fingerprint,
      String nonce) {
    return step("challenge", id, secret, joinId, fingerprint, nonce);
  }

  @Override
  public CompletableFuture<Reply> reveal(String id, String joinId, String nonce, @Nullable String certificate,
      @Nullable String proof) {
    return step("reveal", id, null, joinId, nonce, certificate, proof);
  }

  @Override
  public CompletableFuture<Reply> decide(String id, @Nullable String secret, String joinId, boolean approve,
      String result, @Nullable String hostNonce) {
    return step(approve ? "approve" : "reject", id, secret, joinId, result, hostNonce);
  }

  @Override
  public CompletableFuture<Reply> withdraw(String id, String joinId, String reason) {
    return step("withdraw", id, null, joinId, reason);
  }

  @Override
  public CompletableFuture<Reply> restart(String id, String joinId, String offer) {
    return run(RedisScripts.Script.STEP, id, list -> Views.restarted(202, joinId, status(str(list, 1)),
        parse(str(list, 2))), "restart",
        "", joinId, offer, Integer.toString(Limits.RESTARTS_PER_MINUTE), "");
  }

  @Override
  public CompletableFuture<Reply> restartAnswer(String id, @Nullable String secret, String joinId, long restart,
      String answer) {
    if (secret == null) {
      return CompletableFuture.failedFuture(Errors.noSecret(id));
    }
    return run(RedisScripts.Script.STEP, id, list -> Views.restarted(200, joinId, status(str(list, 1)),
        parse(str(list, 2))),
        "restart-answer", hash(secret), joinId, Long.toString(restart), answer, "");
  }

  @Override
  public CompletableFuture<Reply> leave(String id, @Nullable String secret, String joinId, String reason) {
    return step("leave", id, secret, joinId, reason);
  }

  @Override
  public CompletableFuture<Read> hostEvents(String id, @Nullable String secret, long after, long holdMs) {
    if (secret == null) {
      return CompletableFuture.failedFuture(Errors.noSecret(id));
    }
    return run(RedisScripts.Script.EVENTS, id, RedisAnswers::events, hash(secret), Long.toString(after),
        Long.toString(holdMs));
  }

  @Override
  public CompletableFuture<Read> joinStatus(String id, String joinId) {
    CompletableFuture<Read> read = run(RedisScripts.Script.STATUS, id,
        list -> RedisAnswers.joinStatus(joinId, list), joinId);
    // An expired join reads as its 410, which is news for a waiting client.
    return read.exceptionally(error -> {
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (e instanceof ApiError api && api.code() == ErrorCode.JOIN_EXPIRED) {
        return new Read(api.reply(), 0, JoinStatus.EXPIRED);
      }
      throw error instanceof CompletionException c ? c : new CompletionException(error);
    });
  }

  @Override
  public CompletableFuture<Void> watch(String id) {
    return pubsub.async().subscribe(channel(id)).toCompletableFuture().handle((ok, error) -> {
      if (error != null) {
        throw new CompletionException(answers.unavailable(error));
      }
      return null;
    });
  }

  @Override
  public void unwatch(String id) {
    pubsub.async().unsubscribe(channel(id));
  }

  @Override
  public CompletableFuture<Long> sessions() {
    return CompletableFuture.completedFuture(sessions);
  }

  /** Forgets index entries of expired sessions, a batch at a time, and counts the live ones. */
  private void sweep() {
    try {
      List<Object> result = run(RedisScripts.Script.SWEEP, "", list -> list, Integer.toString(sweepFrom),
          Integer.toString(SWEEP_BATCH)).get(10, TimeUnit.SECONDS);
      long count = parse(str(result, 1));
      sessions = count;
      sweepFrom = sweepFrom + SWEEP_BATCH >= count ? 0 : sweepFrom + SWEEP_BATCH;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.log(Level.DEBUG, "sweeping the session index failed: {0}", e.toString());
    }
  }

  @Override
  public CompletableFuture<Void> ping() {
    return redis.ping().toCompletableFuture().thenApply(pong -> (Void) null);
  }

  @Override
  public String kind() {
    return "redis";
  }

  @Override
  public void close() {
    closing = true;
    sweeper.shutdownNow();
    pubsub.close();
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
