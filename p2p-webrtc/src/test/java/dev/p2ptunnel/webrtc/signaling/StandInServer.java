package dev.p2ptunnel.webrtc.signaling;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in signaling server on 127.0.0.1 for the client's retry tests: it takes a join request ({@code j1}) and
 * fails the decision poll a set number of times with a set status, error body and {@code Retry-After}, then answers
 * it approved. Optionally it holds each poll (a long poll the host does not answer) until closed. Also records the
 * pauses of a delayer that does not wait ({@link #delayer()}): no timing in the tests. Thread-safe; close stops it.
 */
final class StandInServer implements AutoCloseable {
  static final String SESSION = "0000-0000-0000-0000-0000-0000-0000";
  private static final String ANSWER = "v=0\\r\\no=- 3 4 IN IP4 127.0.0.1\\r\\ns=-\\r\\n";

  /** Decision polls received, failed ones included. */
  final AtomicInteger polls = new AtomicInteger();
  /** The pauses the client asked {@link #delayer()} for, in order. */
  final List<Duration> pauses = new CopyOnWriteArrayList<>();
  /** Counted down by the first poll when polls are held. */
  final CountDownLatch polled = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final int status;
  private final String errorJson;
  private final @Nullable String retryAfter;
  private final boolean hold;
  private final AtomicInteger failuresLeft;
  private final HttpServer server;

  private StandInServer(int failures, int status, String errorJson, @Nullable String retryAfter, boolean hold)
      throws IOException {
    this.failuresLeft = new AtomicInteger(failures);
    this.status = status;
    this.errorJson = errorJson;
    this.retryAfter = retryAfter;
    this.hold = hold;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Fails the first {@code failures} polls with {@code status} and {@code errorJson} ({@code Retry-After} if set). */
  static StandInServer failing(int failures, int status, String errorJson, @Nullable String retryAfter)
      throws IOException {
    return new StandInServer(failures, status, errorJson, retryAfter, false);
  }

  /** Holds every poll until {@link #close()}, then answers it approved. */
  static StandInServer holding() throws IOException {
    return new StandInServer(0, 200, "", null, true);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Records the pause in {@link #pauses} and retries at once. */
  ServerCalls.Delayer delayer() {
    return recording(pauses);
  }

  /** Records each pause in {@code pauses} and retries at once (on a thread of its own, as the real scheduler would). */
  static ServerCalls.Delayer recording(List<Duration> pauses) {
    return (pause, task) -> {
      pauses.add(pause);
      Thread thread = new Thread(task, "test-retry");
      thread.setDaemon(true);
      thread.start();
    };
  }

  private void handle(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getPath();
    if (exchange.getRequestMethod().equals("POST") && path.endsWith("/joins")) {
      reply(exchange, 200, "{\"joinId\":\"j1\"}");
    } else if (exchange.getRequestMethod().equals("GET") && path.endsWith("/joins/j1")) {
      polls.incrementAndGet();
      if (hold) {
        polled.countDown();
        try {
          released.await(30, TimeUnit.SECONDS); // a long poll the host does not answer
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failuresLeft.getAndDecrement() > 0) {
        if (retryAfter != null) {
          exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        reply(exchange, status, errorJson);
      } else {
        reply(exchange, 200, "{\"status\":\"approved\",\"answer\":\"" + ANSWER + "\"}");
      }
    } else {
      reply(exchange, 404, "{\"error\":\"not_found\",\"message\":\"no such path\"}");
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
