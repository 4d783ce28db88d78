package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.api.SessionIds;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.webrtc.WebRtcException;
import dev.p2ptunnel.webrtc.internal.SetupTrace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The clients' side of the protocol: one JSON call to a signaling server, completing with the response body
 * or failing with a {@link WebRtcException} that says what the server said (a {@link Refused} for any JSON error
 * reply, so that callers can tell a refusal from an unreachable server). Thread-safe.
 */
final class ServerCalls {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.signaling");
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * A request the server answers at once (a join request, a reveal): a server that does not answer within this is
   * unreachable, so that a rejoin against it fails within a bound and is tried again with the rejoin's backoff.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Added to a poll's wait for its request timeout: the server answers an idle poll after the wait. */
  static final Duration POLL_SLACK = Duration.ofSeconds(30);

  private final URI base;
  private final @Nullable HttpClient injected;
  private final RetryPolicy retry;
  private final Delayer delayer;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private @Nullable HttpClient created; // guarded by lock; built on the first call when none was injected
  private @Nullable ExecutorService ownExecutor; // guarded by lock; our client's, or for an injected one without
  private volatile boolean closed;

  /** Runs a task after a pause: the retry's sleeper, replaced in tests to record the pauses instead of waiting. */
  @FunctionalInterface
  interface Delayer {
    void after(Duration delay, Runnable task);

    /** The JDK's shared delay scheduler; the task then issues an asynchronous call, which does not block it. */
    Delayer SCHEDULER = (delay, task) ->
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, Runnable::run).execute(task);
  }

  /** The server said no: its status, error code and message. */
  static final class Refused extends WebRtcException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;
    final String serverMessage;
    /** How long the server asked us to wait before trying again (its {@code Retry-After}), or null. */
    final @Nullable Duration retryAfter;

    Refused(String what, int status, String code, String serverMessage) {
      this(what, status, code, serverMessage, null);
    }

    Refused(String what, int status, String code, String serverMessage, @Nullable Duration retryAfter) {
      super(what + ": " + serverMessage + " (HTTP " + status + " " + code + ")");
      this.status = status;
      this.code = code;
      this.serverMessage = serverMessage;
      this.retryAfter = retryAfter;
    }

    /**
     * Whether to try again after a pause rather than give up: a 5xx (the instance reached is stopping, or its store
     * had a passing fault: behind a load balancer the next try may reach another instance) or too many waiting
     * polls, or too many connections from this address (a flood beside a host: back off and come again).
     */
    boolean passing() {
      return status >= 500 || ErrorCode.TOO_MANY_POLLS.wire().equals(code)
          || ErrorCode.TOO_MANY_CONNECTIONS.wire().equals(code);
    }
  }

  /**
   * Loads and runs Jackson once, as the first JSON call would: its first use costs ~150 ms of class loading on the
   * reference machine. Blocks; an app that wants it off its path calls it on a thread of its own
   * ({@link HttpSignaling#warmUp()}).
   */
  static void warmUp() {
    JsonBodies.parseObject(JsonBodies.bytes(JsonBodies.object().put("warm", "up")), false);
  }

  /**
   * The pause before trying again after {@code error}: {@code drawn} (the backoff's own), or longer where the server
   * said how long to wait ({@code Retry-After}, sent with 429 and 503), but never longer than {@code cap}, the
   * backoff's own ceiling: a server's word cannot stall a client past what it would wait anyway.
   */
  static Duration pauseAfter(Throwable error, Duration drawn, Duration cap) {
    if (cause(error) instanceof Refused refused && refused.retryAfter != null) {
      Duration asked = refused.retryAfter.compareTo(cap) < 0 ? refused.retryAfter : cap;
      return asked.compareTo(drawn) > 0 ? asked : drawn;
    }
    return drawn;
  }

  /**
   * A {@code Retry-After} value (RFC 9110, section 10.2.3): delay-seconds, or an HTTP-date counted from {@code now};
   * null when absent or malformed (then the client's own backoff decides), zero for a date already past.
   */
  static @Nullable Duration retryAfter(@Nullable String value, java.time.Instant now) {
    if (value == null) {
      return null;
    }
    String text = value.trim();
    if (!text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    try {
      java.time.Instant at = java.time.ZonedDateTime.parse(text, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Whether a failed call may succeed if made again: the server was unreachable, or refused for a passing reason. */
  static boolean passing(Throwable error) {
    Throwable cause = cause(error);
    return !(cause instanceof Refused refused) || refused.passing();
  }

  ServerCalls(URI server) {
    this(server, null, RetryPolicy.defaults(), Delayer.SCHEDULER);
  }

  /**
   * Creates no thread and no HTTP client: a client of its own (when none is injected) is built on the first call.
   *
   * @param injected the app's HTTP client, used as is and never closed; null: one of our own, released by close()
   */
  ServerCalls(URI server, @Nullable HttpClient injected, RetryPolicy retry, Delayer delayer) {
    if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
      throw new IllegalArgumentException("server: " + server + " (expected: an http:// or https:// URI)");
    }
    this.base = baseOf(server);
    this.injected = injected;
    this.retry = Objects.requireNonNull(retry, "retry");
    this.delayer = delayer;
  }

  /** The server's URI as the base the calls' paths resolve against: its path, ending in {@code /}. */
  static URI baseOf(URI server) {
    String path = server.getPath() == null || server.getPath().isEmpty() ? "/" : server.getPath();
    return server.resolve(path.endsWith("/") ? path : path + "/");
  }

  private HttpClient http() {
    if (injected != null) {
      return injected;
    }
    synchronized (lock) {
      if (closed) {
        throw new WebRtcException("signaling closed");
      }
      HttpClient client = created;
      if (client == null) {
        boolean tls = !"http".equals(base.getScheme());
        OwnClients.Spare spare = ownExecutor != null ? null : OwnClients.takeSpare(tls);
        if (spare != null) {
          ownExecutor = spare.executor();
          client = spare.client();
        } else {
          client = OwnClients.newClient(tls, ownExecutor());
        }
        created = client;
      }
      return client;
    }
  }

  /** Builds the HTTP client now rather than on the first call (see {@link HttpSignaling#prepare()}). */
  void prepare() {
    http();
  }

  /**
   * Where replies are handled: the HTTP client's executor. The JDK's client completes {@code sendAsync}'s future on
   * the common pool (on a fresh thread per task when the machine has fewer than 3 cores), so every call hops back
   * to it explicitly. An injected client without an executor gets a pool of ours.
   */
  private Executor replies() {
    if (injected != null) {
      Optional<Executor> executor = injected.executor();
      if (executor.isPresent()) {
        return executor.get();
      }
    }
    synchronized (lock) {
      return ownExecutor();
    }
  }

  /** Our own executor ({@link OwnClients#newExecutor()}), made on the first need; shut down by close(). */
  private ExecutorService ownExecutor() {
    assert Thread.holdsLock(lock);
    ExecutorService executor = ownExecutor;
    if (executor == null) {
      executor = OwnClients.newExecutor();
      ownExecutor = executor;
    }
    return executor;
  }

  /**
   * Stops: calls in flight are cancelled, no call is made from now on, and a client of our own is released (shut
   * down on Java 21+, which has {@code HttpClient.shutdown()}; on Java 17 its selector thread ends once it is
   * unreachable). An injected client is left as it is. Idempotent.
   */
  void close() {
    HttpClient own;
    ExecutorService executor;
    synchronized (lock) {
      closed = true;
      own = created;
      created = null;
      executor = ownExecutor;
    }
    for (CompletableFuture<?> call : inFlight) {
      call.cancel(true);
    }
    if (own != null) {
      Shutdown.of(own);
    }
    if (executor != null) {
      executor.shutdown(); // replies already queued still run; idle threads end
    }
  }

  URI base() {
    return base;
  }

  RetryPolicy retry() {
    return retry;
  }

  Delayer delayer() {
    return delayer;
  }

  /**
   * One call; {@code what} names it in error messages ("join request to session …").
   *
   * @param path relative to the server URI, e.g. {@code v1/sessions}
   */
  CompletableFuture<JsonNode> call(String what, String method, String path, @Nullable String secret,
      @Nullable ObjectNode body, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JsonBodies.bytes(body)));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (secret != null) {
      request.header("Authorization", "Bearer " + secret);
    }
    CompletableFuture<HttpResponse<byte[]>> sent;
    Executor replies;
    long startNs = System.nanoTime();
    try {
      if (closed) {
        throw new WebRtcException("signaling closed");
      }
      sent = http().sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      replies = replies();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e instanceof WebRtcException ? e : new WebRtcException(what + ": " + e, e));
    }
    inFlight.add(sent);
    if (closed) {
      sent.cancel(true); // close() ran between the check above and the add: it did not see this call
    }
    sent.whenComplete((response, error) -> inFlight.remove(sent));
    return sent.handleAsync((response, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            if (closed) {
              throw new WebRtcException(what + ": signaling closed", cause);
            }
            throw new WebRtcException(what + ": signaling server " + base + " unreachable: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
          }
          SetupTrace.reply(what, response.statusCode(), startNs);
          return parse(what, response);
        }, command -> {
          try {
            replies.execute(command);
          } catch (java.util.concurrent.RejectedExecutionException e) {
            command.run(); // closed meanwhile: the failure is still delivered
          }
        });
  }

  /**
   * {@link #call}, tried again after passing failures ({@link #passing}) as the {@link RetryPolicy} says. For
   * idempotent calls only (polls): a retried POST could act twice.
   */
  CompletableFuture<JsonNode> retrying(String what, String method, String path, @Nullable String secret,
      Duration timeout) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    attempt(result, 1, what, method, path, secret, timeout);
    return result;
  }

  private void attempt(CompletableFuture<JsonNode> result, int attempt, String what, String method, String path,
      @Nullable String secret, Duration timeout) {
    if (result.isDone()) {
      return;
    }
    call(what, method, path, secret, null, timeout).whenComplete((body, error) -> {
      if (error == null) {
        result.complete(body);
        return;
      }
      Throwable cause = cause(error);
      if (closed || !passing(cause) || attempt >= retry.attempts()) {
        result.completeExceptionally(cause);
        return;
      }
      Duration pause = pauseAfter(cause, retry.delay(attempt), retry.cap());
      LOG.log(System.Logger.Level.DEBUG, "{0} failed (try {1} of {2}), again in {3} ms: {4}", what, attempt,
          retry.attempts(), pause.toMillis(), cause.getMessage());
      delayer.after(pause, () -> attempt(result, attempt + 1, what, method, path, secret, timeout));
    });
  }

  private JsonNode parse(String what, HttpResponse<byte[]> response) {
    JsonNode body = JsonBodies.tryParse(response.body());
    int status = response.statusCode();
    if (status >= 200 && status < 300 && body != null && body.isObject()) {
      return body;
    }
    if (body != null && body.isObject() && body.path("error").isTextual() && body.path("message").isTextual()) {
      throw new Refused(what, status, body.get("error").textValue(), body.get("message").textValue(),
          retryAfter(response.headers().firstValue("Retry-After").orElse(null), java.time.Instant.now()));
    }
    throw new WebRtcException(what + ": " + base + " is not a p2p-tunnel signaling server (HTTP " + status
        + " without a JSON body)");
  }

  /** Unwraps CompletionException layers. */
  static Throwable cause(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The Session ID in display form, or IllegalArgumentException naming what is wrong. */
  static String sessionId(String typed) {
    String id = SessionIds.parse(typed);
    if (id == null) {
      throw new IllegalArgumentException("sessionId: " + SessionIds.quote(typed) + " (expected: " + SessionIds.SHAPE
          + ")");
    }
    return SessionIds.display(id);
  }
}
