package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP signaling client's retries and its injected HTTP client, against a local stand-in server that fails the
 * decision poll a set number of times. Pauses are recorded by a delayer that does not wait: no timing here.
 */
@Timeout(60)
class SignalingRetryTest {
  private static final String SESSION = "0000-0000-0000-0000-0000-0000-0000";
  private static final String ANSWER = "v=0\\r\\no=- 3 4 IN IP4 127.0.0.1\\r\\ns=-\\r\\n";

  private HttpServer server;
  private final AtomicInteger polls = new AtomicInteger();
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private volatile int failuresLeft;
  private volatile int failStatus = 503;
  private volatile boolean hold;
  private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.CountDownLatch polled = new java.util.concurrent.CountDownLatch(1);

  private URI start(int failures) throws IOException {
    failuresLeft = failures;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
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
      if (failuresLeft > 0) {
        failuresLeft--;
        reply(exchange, failStatus, "{\"error\":\"" + (failStatus == 503 ? "unavailable" : "unknown_session")
            + "\",\"message\":\"failing on purpose\"}");
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

  @AfterEach
  void stop() {
    released.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  /** Records the pause and retries at once (on a thread of its own, as the real scheduler would). */
  private void recordAndRunNow(Duration pause, Runnable task) {
    pauses.add(pause);
    Thread thread = new Thread(task, "test-retry");
    thread.setDaemon(true);
    thread.start();
  }

  private HttpSignaling signaling(URI uri, RetryPolicy policy) {
    return HttpSignaling.builder(uri, SESSION).retryPolicy(policy).delayer(this::recordAndRunNow).build();
  }

  private static RetryPolicy.Builder policyAtCeiling() {
    return RetryPolicy.builder().base(Duration.ofMillis(100)).cap(Duration.ofMillis(400)).random(() -> 1.0);
  }

  @Test
  void shouldRetryAPassingFailureWithGrowingPausesUntilItSucceeds() throws Exception {
    URI uri = start(4);
    try (HttpSignaling signaling = signaling(uri, policyAtCeiling().attempts(5).build())) {
      HostReply reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply().get(20, TimeUnit.SECONDS);
      assertInstanceOf(JoinAnswer.class, reply);
    }
    assertEquals(5, polls.get(), "four failed polls and the one that succeeded");
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(400)), pauses, "ceilings double from the base and stop at the cap");
  }

  @Test
  void shouldGiveUpAfterTheAttemptsWithTheServersMessage() throws Exception {
    URI uri = start(100);
    try (HttpSignaling signaling = signaling(uri, policyAtCeiling().attempts(3).build())) {
      CompletableFuture<HostReply> reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply();
      ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("failing on purpose (HTTP 503 unavailable)"),
          e.getCause().getMessage());
    }
    assertEquals(3, polls.get());
    assertEquals(2, pauses.size());
  }

  @Test
  void shouldNotRetryARefusal() throws Exception {
    failStatus = 404;
    URI uri = start(1);
    try (HttpSignaling signaling = signaling(uri, policyAtCeiling().build())) {
      CompletableFuture<HostReply> reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply();
      assertThrows(ExecutionException.class, () -> reply.get(20, TimeUnit.SECONDS));
    }
    assertEquals(1, polls.get());
    assertEquals(List.of(), pauses);
  }

  @Test
  void shouldDrawEachPauseBetweenZeroAndTheCeiling() {
    RetryPolicy policy = RetryPolicy.builder().base(Duration.ofMillis(500)).cap(Duration.ofSeconds(8))
        .random(() -> 0.25).build();
    assertEquals(Duration.ofMillis(125), policy.delay(1));
    assertEquals(Duration.ofMillis(2000), policy.delay(5));
    assertEquals(Duration.ofSeconds(8), policy.ceiling(60));
    assertEquals("cap: PT0.1S (expected: >= base PT0.5S)", assertThrows(IllegalStateException.class,
        () -> RetryPolicy.builder().cap(Duration.ofMillis(100)).build()).getMessage());
    assertEquals("attempts: 0 (expected: 1..100)", assertThrows(IllegalArgumentException.class,
        () -> RetryPolicy.builder().attempts(0)).getMessage());
  }

  @Test
  void shouldHandleRepliesOnTheInjectedClientsExecutor() throws Exception {
    URI uri = start(0);
    AtomicInteger n = new AtomicInteger();
    ExecutorService appPool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "app-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      HttpClient app = HttpClient.newBuilder().executor(appPool).build();
      HttpSignaling signaling = HttpSignaling.builder(uri, SESSION).httpClient(app).build();
      CompletableFuture<String> thread = new CompletableFuture<>();
      signaling.join(HttpSignalingTest.plain("alice")).firstReply()
          .whenComplete((reply, error) -> thread.complete(Thread.currentThread().getName()));
      assertTrue(thread.get(20, TimeUnit.SECONDS).startsWith("app-http-"), thread.join());
      signaling.close();
      // The injected client is not ours to close: it still works.
      assertEquals(404, app.send(java.net.http.HttpRequest.newBuilder(uri.resolve("other")).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
    } finally {
      appPool.shutdownNow();
    }
  }

  @Test
  void shouldFailAWaitingJoinWhenClosed() throws Exception {
    hold = true;
    URI uri = start(0);
    HttpSignaling signaling = signaling(uri, RetryPolicy.defaults());
    CompletableFuture<HostReply> reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply();
    assertTrue(polled.await(20, TimeUnit.SECONDS), "the client polls");
    signaling.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().endsWith(": signaling closed"), e.getCause().getMessage());
    assertEquals(List.of(), pauses, "a closed signaling does not retry");
  }
}
