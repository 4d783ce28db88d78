package dev.p2ptunnel.webrtc.signaling;

import dev.p2ptunnel.signaling.api.SessionIds;
import dev.p2ptunnel.signaling.api.ErrorCode;
import dev.p2ptunnel.signaling.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The clients' side of the protocol: one JSON call to a signaling server, completing with the response body
 * or failing with a {@link WebRtcException} that says what the server said (a {@link Refused} for any JSON error
 * reply, so that callers can tell a refusal from an unreachable server). Thread-safe.
 */
final class ServerCalls {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Added to a poll's wait for its request timeout: the server answers an idle poll after the wait. */
  static final Duration POLL_SLACK = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;

  /** The server said no: its status, error code and message. */
  static final class Refused extends WebRtcException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;
    final String serverMessage;

    Refused(String what, int status, String code, String serverMessage) {
      super(what + ": " + serverMessage + " (HTTP " + status + " " + code + ")");
      this.status = status;
      this.code = code;
      this.serverMessage = serverMessage;
    }

    /**
     * Whether to try again after a pause rather than give up: a 5xx (the instance reached is stopping, or its store
     * had a passing fault: behind a load balancer the next try may reach another instance) or too many waiting
     * polls.
     */
    boolean passing() {
      return status >= 500 || ErrorCode.TOO_MANY_POLLS.wire().equals(code);
    }
  }

  private static final AtomicBoolean WARMING = new AtomicBoolean();

  /**
   * Once per JVM, writes and parses a small tree on a short-lived daemon thread: Jackson's first use costs ~150 ms
   * of class loading on the reference machine, which a client would otherwise pay between the end of ICE gathering
   * and its join request, a host before it can create its session. The host starts it before building its HTTP
   * client, the client once that is built: it then overlaps the HTTP client's creation (host) or ICE gathering
   * (client) instead.
   */
  static void warmUpInBackground() {
    if (!WARMING.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(() -> {
      try {
        JsonBodies.parseObject(JsonBodies.bytes(JsonBodies.object().put("warm", "up")), false);
      } catch (RuntimeException ignored) {
        // only a warm-up: the real call reports whatever is wrong
      }
    }, "p2p-tunnel-json-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether a failed call may succeed if made again: the server was unreachable, or refused for a passing reason. */
  static boolean passing(Throwable error) {
    Throwable cause = cause(error);
    return !(cause instanceof Refused refused) || refused.passing();
  }

  ServerCalls(URI server) {
    if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
      throw new IllegalArgumentException("server: " + server + " (expected: an http:// or https:// URI)");
    }
    String path = server.getPath() == null || server.getPath().isEmpty() ? "/" : server.getPath();
    this.base = server.resolve(path.endsWith("/") ? path : path + "/");
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
    if ("http".equals(server.getScheme())) {
      builder.sslContext(noTls()); // never used: calls go to this one server and redirects are not followed
    }
    this.http = builder.build();
  }

  /**
   * A TLS context that trusts nothing, for a client of an http:// server. Without one the JDK's client creates the
   * default context, which loads every CA certificate of the JDK (~50 ms, measured in docs/PERFORMANCE.md) on the
   * way to a tunnel's first byte.
   */
  private static SSLContext noTls() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e, e);
    }
  }

  URI base() {
    return base;
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
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            throw new WebRtcException(what + ": signaling server " + base + " unreachable: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
          }
          return parse(what, response);
        });
  }

  private JsonNode parse(String what, HttpResponse<byte[]> response) {
    JsonNode body = JsonBodies.tryParse(response.body());
    int status = response.statusCode();
    if (status >= 200 && status < 300 && body != null && body.isObject()) {
      return body;
    }
    if (body != null && body.isObject() && body.path("error").isTextual() && body.path("message").isTextual()) {
      throw new Refused(what, status, body.get("error").textValue(), body.get("message").textValue());
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
