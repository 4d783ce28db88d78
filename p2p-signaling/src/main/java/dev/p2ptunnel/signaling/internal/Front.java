package dev.p2ptunnel.signaling.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.api.BodyException;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JoinStatus;
import dev.p2ptunnel.signaling.api.JsonBodies;
import dev.p2ptunnel.signaling.api.SessionIds;
import dev.p2ptunnel.signaling.api.WireLimits;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP side of the server: routes each request, reads and checks its body (without blocking: Jetty calls back
 * as bytes arrive), then hands one call to the {@link Store} or to {@link Polls}, whose future answers it. Every
 * outcome is a JSON reply: a refusal is a 4xx naming what was wrong; a fault of ours (or of the store) is a 5xx,
 * logged with its stack trace. Thread-safe.
 */
final class Front extends Handler.Abstract.NonBlocking {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.signaling");
  /** The largest {@code wait} query value accepted (then shortened to maxPollWait). */
  static final long MAX_WAIT_SECONDS = 3600;
  private static final java.util.concurrent.atomic.AtomicLong lastUnavailableLogNs =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(1));
  private static final Set<String> VERBS = Set.of("challenge", "reveal", "approve", "reject", "withdraw", "leave",
      "restart", "restart-answer");

  private final SignalingConfig config;
  private final Store store;
  private final Polls polls;
  private final ScheduledExecutorService timer;
  private final ClientAddresses addresses;
  private final Exchange.Observer observer;
  private final Operations operations;

  /** /healthz and /metrics, answered by the server. */
  interface Operations {
    void health(Exchange exchange);

    void metrics(Exchange exchange);
  }

  Front(SignalingConfig config, Store store, Polls polls, ScheduledExecutorService timer, ClientAddresses addresses,
      Exchange.Observer observer, Operations operations) {
    this.config = config;
    this.store = store;
    this.polls = polls;
    this.timer = timer;
    this.addresses = addresses;
    this.observer = observer;
    this.operations = operations;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(request, response, callback, addresses.client(request), observer);
    try {
      route(exchange);
    } catch (RuntimeException | Error e) {
      exchange.send(failure(e));
    }
    return true;
  }

  /** The reply for a failed operation: refusals as they are, faults as 5xx (logged with the stack trace). */
  static Reply failure(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ApiError api) {
      return api.reply();
    }
    if (e instanceof BodyException body) {
      return Reply.error(body.code(), body.getMessage(), Map.of());
    }
    if (e instanceof StoreUnavailableException unavailable) {
      long now = System.nanoTime();
      long last = lastUnavailableLogNs.get();
      if (now - last > TimeUnit.SECONDS.toNanos(10) && lastUnavailableLogNs.compareAndSet(last, now)) {
        // at most one line (with the stack trace) every 10 s while it lasts: an outage must not flood the log
        LOG.log(Level.WARNING, "the store is unavailable (answering 503): " + unavailable.getMessage(), unavailable);
      }
      return Reply.error(ErrorCode.STORE_UNAVAILABLE, "the signaling server cannot reach its store; try again",
          Map.of("Retry-After", "2"));
    }
    LOG.log(Level.ERROR, "request failed: a fault of the server (answered 500)", e);
    return Reply.error(ErrorCode.INTERNAL_ERROR, "the signaling server failed on this request (" + e.getClass()
        .getSimpleName() + "); it is logged, and the request may be tried again", Map.of());
  }

  /** What went wrong, in a few words, for a message. */
  static String failureText(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof StoreUnavailableException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private void route(Exchange exchange) {
    Request request = exchange.request;
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    if (path == null) {
      path = "/";
    }
    if (path.equals("/healthz")) {
      allow(method, "GET, HEAD");
      operations.health(exchange);
      return;
    }
    if (path.equals("/metrics")) {
      allow(method, "GET, HEAD");
      operations.metrics(exchange);
      return;
    }
    String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[0];
    boolean known = parts.length >= 2 && parts[0].equals("v1") && parts[1].equals("sessions") && parts.length <= 6
        && (parts.length < 4 || parts[3].equals("joins") || parts.length == 4 && parts[3].equals("events"))
        && (parts.length < 6 || VERBS.contains(parts[5]));
    if (!known) {
      throw new ApiError(ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + SessionIds.quote(path)
          + " (endpoints are under /v1/sessions, see docs/SIGNALING.md)");
    }
    switch (parts.length) {
      case 2 -> {
        allow(method, "POST");
        body(exchange, true, body -> {
          int maxClients = JsonBodies.integer(body, "maxClients", 1, config.maxClientsPerSession(), 1);
          String claim = JsonBodies.optionalBytes(body, "claim", WireLimits.CLAIM_BYTES, WireLimits.CLAIM_BYTES);
          answer(exchange, () -> store.create(addresses.of(exchange.address), maxClients, claim));
        });
      }
      case 3 -> {
        allow(method, "DELETE");
        String id = sessionId(parts[2]);
        answer(exchange, () -> store.delete(id, secret(request)));
      }
      case 4 -> {
        String id = sessionId(parts[2]);
        if (parts[3].equals("events")) {
          allow(method, "GET, HEAD");
          String secret = secret(request);
          Map<String, String> query = query(request);
          long after = number(query, "after", 0, Long.MAX_VALUE, 0);
          polls.hostPoll(id, secret, after, waitNs(query), exchange);
          return;
        }
        allow(method, "POST");
        body(exchange, false, body -> {
          String clientName = JsonBodies.string(body, "clientName", WireLimits.MAX_CLIENT_NAME_CHARS, false);
          String problem = WireLimits.clientNameProblem(clientName);
          if (problem != null) {
            throw BodyException.badField("clientName", problem + " (expected: " + WireLimits.CLIENT_NAME_RULE + ")");
          }
          String offer = sdp(body, "offer");
          String commitment = JsonBodies.optionalBytes(body, "commitment", WireLimits.NONCE_BYTES,
              WireLimits.NONCE_BYTES);
          answer(exchange, () -> store.join(addresses.of(exchange.address), id, clientName, offer, commitment));
        });
      }
      case 5 -> {
        allow(method, "GET, HEAD");
        String id = sessionId(parts[2]);
        String joinId = decode(parts[4]);
        Map<String, String> query = query(request);
        long waitNs = waitNs(query);
        long restart = number(query, "restart", 0, Integer.MAX_VALUE, 0);
        polls.clientPoll(id, joinId, since(query), restart, waitNs, exchange);
      }
      default -> {
        allow(method, "POST");
        String id = sessionId(parts[2]);
        String joinId = decode(parts[4]);
        String secret = secret(request);
        body(exchange, true, body -> step(exchange, parts[5], id, joinId, secret, body));
      }
    }
  }

  private void step(Exchange exchange, String verb, String id, String joinId, @Nullable String secret,
      ObjectNode body) {
    switch (verb) {
      case "challenge" -> {
        String fingerprint = JsonBodies.string(body, "fingerprint", WireLimits.MAX_FINGERPRINT_CHARS, false);
        String nonce = JsonBodies.bytes(body, "nonce", WireLimits.NONCE_BYTES, WireLimits.NONCE_BYTES);
        answer(exchange, () -> store.challenge(id, secret, joinId, fingerprint, nonce));
      }
      case "reveal" -> {
        String nonce = JsonBodies.bytes(body, "nonce", WireLimits.NONCE_BYTES, WireLimits.NONCE_BYTES);
        String certificate = JsonBodies.optionalBytes(body, "certificate", 1, WireLimits.MAX_CERTIFICATE_BYTES);
        String proof = JsonBodies.optionalBytes(body, "proof", 1, WireLimits.MAX_PROOF_BYTES);
        if ((certificate == null) != (proof == null)) {
          throw BodyException.badField(certificate == null ? "certificate" : "proof",
              "missing (expected: certificate and proof together, or neither)");
        }
        answer(exchange, () -> store.reveal(id, joinId, nonce, certificate, proof));
      }
      case "approve" -> {
        String answer = sdp(body, "answer");
        String hostNonce = JsonBodies.optionalBytes(body, "hostNonce", WireLimits.NONCE_BYTES,
            WireLimits.NONCE_BYTES);
        answer(exchange, () -> store.decide(id, secret, joinId, true, answer, hostNonce));
      }
      case "reject" -> {
        String reason = JsonBodies.string(body, "reason", WireLimits.MAX_REASON_CHARS, false);
        answer(exchange, () -> store.decide(id, secret, joinId, false, reason, null));
      }
      case "withdraw" -> {
        String reason = reason(body, "withdrawn by the client");
        answer(exchange, () -> store.withdraw(id, joinId, reason));
      }
      case "restart" -> {
        String offer = sdp(body, "offer");
        answer(exchange, () -> store.restart(id, joinId, offer));
      }
      case "restart-answer" -> {
        int restart = JsonBodies.integer(body, "restart", 1, Integer.MAX_VALUE, 0);
        if (restart == 0) {
          throw new BodyException(ErrorCode.MISSING_FIELD, "restart: missing (expected: an integer 1.."
              + Integer.MAX_VALUE + ", the number of the restart answered)");
        }
        String answer = sdp(body, "answer");
        answer(exchange, () -> store.restartAnswer(id, secret, joinId, restart, answer));
      }
      default -> {
        String reason = reason(body, "the client left");
        answer(exchange, () -> store.leave(id, secret, joinId, reason));
      }
    }
  }

  /** Reads the body, parses it as one JSON object and runs {@code then} on it; every failure answers. */
  private void body(Exchange exchange, boolean emptyIsEmpty, Consumer<ObjectNode> then) {
    BodyReader.read(exchange, config.maxBodyBytes(), config.bodyTimeout().toNanos(), timer, bytes -> {
      try {
        then.accept(JsonBodies.parseObject(bytes, emptyIsEmpty));
      } catch (RuntimeException | Error e) {
        exchange.send(failure(e));
      }
    });
  }

  private static void answer(Exchange exchange, Supplier<CompletableFuture<Reply>> call) {
    CompletableFuture<Reply> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      exchange.send(failure(e));
      return;
    }
    future.whenComplete((reply, error) -> exchange.send(error == null ? reply : failure(error)));
  }

  private static String reason(ObjectNode body, String fallback) {
    String reason = JsonBodies.optionalString(body, "reason", WireLimits.MAX_REASON_CHARS, false);
    return reason == null ? fallback : reason;
  }

  private static JoinStatus since(Map<String, String> query) {
    String text = query.getOrDefault("since", "pending");
    JoinStatus status = JoinStatus.of(text);
    if (status == null) {
      throw new ApiError(ErrorCode.INVALID_QUERY, "since: " + SessionIds.quote(text) + " (expected: pending, "
          + "challenged, revealed or approved)");
    }
    return status;
  }

  private static void allow(String method, String allowed) {
    for (String m : allowed.split(", ")) {
      if (m.equals(method)) {
        return;
      }
    }
    String shown = allowed.replace(", HEAD", "");
    throw new ApiError(ErrorCode.METHOD_NOT_ALLOWED, "method " + SessionIds.quote(method) + " is not allowed here "
        + "(expected: " + shown + ")", Map.of("Allow", allowed));
  }

  private String sdp(ObjectNode body, String field) {
    String sdp = JsonBodies.string(body, field, config.maxBodyBytes(), true);
    if (!sdp.startsWith("v=0")) {
      throw BodyException.badField(field, SessionIds.quote(sdp) + " is not SDP (expected: text starting with v=0)");
    }
    return sdp;
  }

  private static String sessionId(String raw) {
    String text = decode(raw);
    String id = SessionIds.parse(text);
    if (id == null) {
      throw new ApiError(ErrorCode.INVALID_SESSION_ID, "sessionId: " + SessionIds.quote(text) + " is not a Session "
          + "ID (expected: " + SessionIds.SHAPE + ")");
    }
    return id;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError(ErrorCode.BAD_REQUEST, "path segment " + SessionIds.quote(raw) + " is not URL-encoded "
          + "correctly (expected: %XX with two hex digits)");
    }
  }

  private static @Nullable String secret(Request request) {
    String header = request.getHeaders().get("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static Map<String, String> query(Request request) {
    String raw = request.getHttpURI().getQuery();
    Map<String, String> query = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.putIfAbsent(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    return query;
  }

  /** {@code wait} in seconds, at most the server's maxPollWait (a longer wait is shortened, not refused). */
  private long waitNs(Map<String, String> query) {
    long seconds = number(query, "wait", 0, MAX_WAIT_SECONDS, MAX_WAIT_SECONDS);
    return Math.min(TimeUnit.SECONDS.toNanos(seconds), config.maxPollWait().toNanos());
  }

  private static long number(Map<String, String> query, String name, long min, long max, long fallback) {
    String text = query.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ApiError(ErrorCode.INVALID_QUERY, name + ": " + SessionIds.quote(text) + " (expected: an integer "
        + min + ".." + max + ")");
  }
}
