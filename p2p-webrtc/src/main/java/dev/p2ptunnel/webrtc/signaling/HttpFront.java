package dev.p2ptunnel.webrtc.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.p2ptunnel.webrtc.ClientName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP side of the server: routes each request, reads and checks its body on the HTTP worker thread, then hands
 * one call to the {@link Registry} on the state thread, which replies or parks the exchange. Every outcome is a
 * JSON reply; anything unexpected becomes a 400 here and is logged, never a 5xx or a stack trace. Thread-safe.
 */
final class HttpFront implements HttpHandler {
  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.signaling");
  static final int MAX_REASON_CHARS = 500;
  /** Bodies up to this many times the limit are read and dropped before the 413 (see {@link #body}). */
  static final int DRAIN_FACTOR = 16;
  /** The largest {@code wait} query value accepted (then shortened to maxPollWait). */
  static final long MAX_WAIT_SECONDS = 3600;

  private final SignalingServer.Config config;
  private final Registry registry;
  private final ScheduledExecutorService loop;
  private final Executor writers;

  /** One call on the state thread; may throw {@link ApiError}. */
  @FunctionalInterface
  private interface LoopCall {
    void run(long nowNs);
  }

  HttpFront(SignalingServer.Config config, Registry registry, ScheduledExecutorService loop, Executor writers) {
    this.config = config;
    this.registry = registry;
    this.loop = loop;
    this.writers = writers;
  }

  @Override
  public void handle(HttpExchange exchange) {
    Responder responder = responder(exchange);
    try {
      route(exchange, responder);
    } catch (ApiError e) {
      responder.send(e.reply());
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "reading a request failed: {0}", e.toString());
      exchange.close();
    } catch (RuntimeException | Error e) {
      unexpected(responder, e);
    }
  }

  private static final java.util.Set<String> VERBS = java.util.Set.of("challenge", "reveal", "approve", "reject",
      "withdraw", "leave");

  private void route(HttpExchange exchange, Responder responder) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[0];
    boolean known = parts.length >= 2 && parts[0].equals("v1") && parts[1].equals("sessions") && parts.length <= 6
        && (parts.length < 4 || parts[3].equals("joins") || parts.length == 4 && parts[3].equals("events"))
        && (parts.length < 6 || VERBS.contains(parts[5]));
    if (!known) {
      throw new ApiError(404, "not_found", "no such endpoint: " + method + " " + Ids.quote(path)
          + " (endpoints are under /v1/sessions, see docs/SIGNALING.md)");
    }
    String address = address(exchange);
    switch (parts.length) {
      case 2 -> {
        allow(method, "POST");
        ObjectNode body = Json.parseObject(body(exchange), true);
        int maxClients = Json.integer(body, "maxClients", 1, config.maxClientsPerSession(), 1);
        String claim = Json.optionalString(body, "claim", 64, false);
        if (claim != null) {
          bytes("claim", claim, 32, 32);
        }
        onLoop(responder, now -> responder.send(registry.create(address, maxClients, claim, now)));
      }
      case 3 -> {
        allow(method, "DELETE");
        String id = sessionId(parts[2]);
        String secret = secret(exchange);
        onLoop(responder, now -> responder.send(registry.delete(id, secret, now)));
      }
      case 4 -> {
        String id = sessionId(parts[2]);
        if (parts[3].equals("events")) {
          allow(method, "GET");
          String secret = secret(exchange);
          Map<String, String> query = query(exchange);
          long after = number(query, "after", 0, Long.MAX_VALUE, 0);
          long waitNs = waitNs(query);
          onLoop(responder, now -> registry.hostPoll(id, secret, after, waitNs, responder, now));
          return;
        }
        allow(method, "POST");
        ObjectNode body = Json.parseObject(body(exchange), false);
        String clientName = Json.string(body, "clientName", ClientName.MAX_CHARS, false);
        String problem = ClientName.problem(clientName);
        if (problem != null) {
          throw ApiError.badField("clientName", problem + " (expected: " + ClientName.RULE + ")");
        }
        String offer = sdp(body, "offer");
        String commitment = optionalBytes(body, "commitment", 32, 32);
        onLoop(responder, now -> responder.send(registry.join(address, id, clientName, offer, commitment, now)));
      }
      case 5 -> {
        allow(method, "GET");
        String id = sessionId(parts[2]);
        String joinId = decode(parts[4]);
        Map<String, String> query = query(exchange);
        long waitNs = waitNs(query);
        Join.State since = since(query);
        onLoop(responder, now -> registry.clientPoll(id, joinId, since, waitNs, responder, now));
      }
      default -> {
        allow(method, "POST");
        String id = sessionId(parts[2]);
        String joinId = decode(parts[4]);
        String secret = secret(exchange);
        ObjectNode body = Json.parseObject(body(exchange), true);
        switch (parts[5]) {
          case "challenge" -> {
            String fingerprint = Json.string(body, "fingerprint", 160, false);
            String nonce = Json.string(body, "nonce", 64, false);
            bytes("nonce", nonce, 32, 32);
            onLoop(responder, now -> responder.send(registry.challenge(id, secret, joinId, fingerprint, nonce, now)));
          }
          case "reveal" -> {
            String nonce = Json.string(body, "nonce", 64, false);
            bytes("nonce", nonce, 32, 32);
            String certificate = optionalBytes(body, "certificate", 1, 4096);
            String proof = optionalBytes(body, "proof", 1, 512);
            if ((certificate == null) != (proof == null)) {
              throw ApiError.badField(certificate == null ? "certificate" : "proof",
                  "missing (expected: certificate and proof together, or neither)");
            }
            onLoop(responder, now -> responder.send(registry.reveal(id, joinId, nonce, certificate, proof, now)));
          }
          case "approve" -> {
            String answer = sdp(body, "answer");
            String hostNonce = optionalBytes(body, "hostNonce", 32, 32);
            onLoop(responder, now -> responder.send(registry.decide(id, secret, joinId, true, answer, hostNonce,
                now)));
          }
          case "reject" -> {
            String reason = Json.string(body, "reason", MAX_REASON_CHARS, false);
            onLoop(responder, now -> responder.send(registry.decide(id, secret, joinId, false, reason, null, now)));
          }
          case "withdraw" -> {
            String reason = reason(body, "withdrawn by the client");
            onLoop(responder, now -> responder.send(registry.withdraw(id, joinId, reason, now)));
          }
          default -> {
            String reason = reason(body, "the client left");
            onLoop(responder, now -> responder.send(registry.leave(id, secret, joinId, reason, now)));
          }
        }
      }
    }
  }

  private static String reason(ObjectNode body, String fallback) {
    String reason = Json.optionalString(body, "reason", MAX_REASON_CHARS, false);
    return reason == null ? fallback : reason;
  }

  private static Join.State since(Map<String, String> query) {
    String text = query.getOrDefault("since", "pending");
    for (Join.State state : Join.State.values()) {
      if (Ids.lower(state.name()).equals(text)) {
        return state;
      }
    }
    throw new ApiError(400, "invalid_query", "since: " + Ids.quote(text) + " (expected: pending, challenged, "
        + "revealed or approved)");
  }

  /** An optional base64url field of {@code min..max} bytes. */
  private static @Nullable String optionalBytes(ObjectNode body, String field, int min, int max) {
    String text = Json.optionalString(body, field, (max * 4 + 2) / 3, false);
    if (text != null) {
      bytes(field, text, min, max);
    }
    return text;
  }

  private static byte[] bytes(String field, String text, int min, int max) {
    byte[] value;
    try {
      value = java.util.Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.badField(field, Ids.quote(text) + " is not base64url (expected: " + (min == max ? min
          : min + ".." + max) + " bytes, base64url without padding)");
    }
    if (value.length < min || value.length > max || text.endsWith("=")) {
      throw ApiError.badField(field, value.length + " bytes (expected: " + (min == max ? min : min + ".." + max)
          + " bytes, base64url without padding)");
    }
    return value;
  }

  private void onLoop(Responder responder, LoopCall call) {
    try {
      loop.execute(() -> {
        try {
          call.run(System.nanoTime());
        } catch (ApiError e) {
          responder.send(e.reply());
        } catch (RuntimeException | Error e) {
          unexpected(responder, e);
        }
      });
    } catch (RejectedExecutionException e) {
      responder.send(Reply.error(410, "server_closing", "the signaling server is shutting down", Map.of()));
    }
  }

  private static void unexpected(Responder responder, Throwable e) {
    LOG.log(Level.WARNING, "request failed unexpectedly (answered 400)", e);
    responder.send(Reply.error(400, "unprocessable", "the server could not process this request ("
        + e.getClass().getSimpleName() + ")", Map.of()));
  }

  private static void allow(String method, String allowed) {
    for (String m : allowed.split(", ")) {
      if (m.equals(method)) {
        return;
      }
    }
    throw new ApiError(405, "method_not_allowed", "method " + Ids.quote(method) + " is not allowed here (expected: "
        + allowed + ")", Map.of("Allow", allowed));
  }

  /**
   * The body, at most maxBodyBytes. A larger declared length is refused from the headers alone; up to
   * {@link #DRAIN_FACTOR} times the limit is read and dropped first, so that the client, still sending, is not reset
   * before it reads the 413; beyond that the connection is closed after the reply.
   */
  private byte[] body(HttpExchange exchange) throws IOException {
    int max = config.maxBodyBytes();
    long drainable = (long) max * DRAIN_FACTOR;
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw new ApiError(400, "bad_request", "Content-Length: " + Ids.quote(length) + " is not a number");
      }
      if (declared > max) {
        throw tooLarge(declared + " bytes", declared <= drainable && drain(exchange.getRequestBody(), drainable));
      }
    }
    InputStream in = exchange.getRequestBody();
    byte[] body = in.readNBytes(max + 1);
    if (body.length > max) {
      throw tooLarge("more than " + max + " bytes", drain(in, drainable));
    }
    return body;
  }

  /** Reads and drops up to {@code limit} bytes; whether the body ended within them. */
  private static boolean drain(InputStream in, long limit) throws IOException {
    byte[] buffer = new byte[8192];
    long left = limit;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return true;
      }
      left -= n;
    }
    return in.read() < 0;
  }

  private ApiError tooLarge(String size, boolean drained) {
    return new ApiError(413, "body_too_large", "request body is " + size + " (expected: at most "
        + config.maxBodyBytes() + " bytes)", drained ? Map.of() : Map.of("Connection", "close"));
  }

  private String sdp(ObjectNode body, String field) {
    String sdp = Json.string(body, field, config.maxBodyBytes(), true);
    if (!sdp.startsWith("v=0")) {
      throw ApiError.badField(field, Ids.quote(sdp) + " is not SDP (expected: text starting with v=0)");
    }
    return sdp;
  }

  private static String sessionId(String raw) {
    String text = decode(raw);
    String id = Ids.parseSessionId(text);
    if (id == null) {
      throw new ApiError(400, "invalid_session_id", "sessionId: " + Ids.quote(text) + " is not a Session ID "
          + "(expected: " + Ids.SESSION_ID_CHARS + " characters of 0-9 and A-Z without I, L, O, U; dashes optional)");
    }
    return id;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "bad_request", "path segment " + Ids.quote(raw) + " is not URL-encoded correctly");
    }
  }

  private static @Nullable String secret(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawQuery();
    Map<String, String> query = new java.util.HashMap<>();
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
    throw new ApiError(400, "invalid_query", name + ": " + Ids.quote(text) + " (expected: an integer " + min + ".."
        + max + ")");
  }

  private static String address(HttpExchange exchange) {
    InetSocketAddress remote = exchange.getRemoteAddress();
    return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
  }

  /** Sends at most one reply; from the state thread the write goes to the HTTP workers, never blocking it. */
  private Responder responder(HttpExchange exchange) {
    AtomicBoolean sent = new AtomicBoolean();
    boolean head = exchange.getRequestMethod().toUpperCase(Locale.ROOT).equals("HEAD");
    return reply -> {
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      try {
        writers.execute(() -> write(exchange, reply, head));
      } catch (RejectedExecutionException e) {
        exchange.close();
      }
    };
  }

  private static void write(HttpExchange exchange, Reply reply, boolean head) {
    try {
      byte[] bytes = Json.bytes(reply.body());
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Type", "application/json; charset=utf-8");
      headers.set("Cache-Control", "no-store");
      reply.headers().forEach(headers::set);
      exchange.sendResponseHeaders(reply.status(), head ? -1 : bytes.length);
      if (!head) {
        exchange.getResponseBody().write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "writing a response failed: {0}", e.toString());
    } finally {
      exchange.close();
    }
  }
}
