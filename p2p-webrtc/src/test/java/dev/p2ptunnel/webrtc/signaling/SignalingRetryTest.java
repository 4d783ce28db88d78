package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.HostReply;
import dev.p2ptunnel.webrtc.JoinAnswer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
  private StandInServer server;

  /** A stand-in that fails the decision poll {@code failures} times with {@code status}. */
  private URI start(int failures, int status) throws IOException {
    server = StandInServer.failing(failures, status, "{\"error\":\"" + (status == 503 ? "unavailable"
        : "unknown_session") + "\",\"message\":\"failing on purpose\"}", null);
    return server.uri();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpSignaling signaling(URI uri, RetryPolicy policy) {
    return HttpSignaling.builder(uri, StandInServer.SESSION).retryPolicy(policy).delayer(server.delayer()).build();
  }

  private static RetryPolicy.Builder policyAtCeiling() {
    return RetryPolicy.builder().base(Duration.ofMillis(100)).cap(Duration.ofMillis(400)).random(() -> 1.0);
  }

  @Test
  void shouldRetryAPassingFailureWithGrowingPausesUntilItSucceeds() throws Exception {
    URI uri = start(4, 503);
    try (HttpSignaling signaling = signaling(uri, policyAtCeiling().attempts(5).build())) {
      HostReply reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply().get(20, TimeUnit.SECONDS);
      assertInstanceOf(JoinAnswer.class, reply);
    }
    assertEquals(5, server.polls.get(), "four failed polls and the one that succeeded");
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(400)), server.pauses, "ceilings double from the base and stop at the cap");
  }

  @Test
  void shouldGiveUpAfterTheAttemptsWithTheServersMessage() throws Exception {
    URI uri = start(100, 503);
    try (HttpSignaling signaling = signaling(uri, policyAtCeiling().attempts(3).build())) {
      CompletableFuture<HostReply> reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply();
      ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("failing on purpose (HTTP 503 unavailable)"),
          e.getCause().getMessage());
    }
    assertEquals(3, server.polls.get());
    assertEquals(2, server.pauses.size());
  }

  @Test
  void shouldNotRetryARefusal() throws Exception {
    URI uri = start(1, 404);
    try (HttpSignaling signaling = signaling(uri, policyAtCeiling().build())) {
      CompletableFuture<HostReply> reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply();
      assertThrows(ExecutionException.class, () -> reply.get(20, TimeUnit.SECONDS));
    }
    assertEquals(1, server.polls.get());
    assertEquals(List.of(), server.pauses);
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
    URI uri = start(0, 503);
    AtomicInteger n = new AtomicInteger();
    ExecutorService appPool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "app-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      HttpClient app = HttpClient.newBuilder().executor(appPool).build();
      HttpSignaling signaling = HttpSignaling.builder(uri, StandInServer.SESSION).httpClient(app).build();
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
    server = StandInServer.holding();
    URI uri = server.uri();
    HttpSignaling signaling = signaling(uri, RetryPolicy.defaults());
    CompletableFuture<HostReply> reply = signaling.join(HttpSignalingTest.plain("alice")).firstReply();
    assertTrue(server.polled.await(20, TimeUnit.SECONDS), "the client polls");
    signaling.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().endsWith(": signaling closed"), e.getCause().getMessage());
    assertEquals(List.of(), server.pauses, "a closed signaling does not retry");
  }
}
