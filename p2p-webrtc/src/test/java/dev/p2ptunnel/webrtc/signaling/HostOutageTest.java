package dev.p2ptunnel.webrtc.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.signaling.SignalingConfig;
import dev.p2ptunnel.signaling.SignalingServer;
import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host that outlives its signaling server: it keeps its session through an outage of any length (pauses doubling
 * up to the cap, told once), and creates its claimed session again on a server that restarted without its state.
 * The pauses are recorded and replaced by a short fixed one (no sleeping for their length).
 */
@Timeout(120)
class HostOutageTest {
  private static final byte[] CLAIM = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private SignalingServer server;
  private HttpHostSignaling host;
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private final List<String> status = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Records the pause and runs the task 20 ms later, on the JDK's scheduler. */
  private void recordAndRunSoon(Duration pause, Runnable task) {
    pauses.add(pause);
    CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(task);
  }

  private HttpHostSignaling host(URI uri, byte[] claim) {
    HttpHostSignaling.Builder builder = HttpHostSignaling.builder(uri).delayer(this::recordAndRunSoon)
        .jitter(() -> 1.0).retryPolicy(RetryPolicy.builder().attempts(1).build())
        .statusListener(new SignalingStatusListener() {
          @Override
          public void onUnreachable(String reason) {
            status.add("unreachable");
          }

          @Override
          public void onReachable(Duration outage, boolean renewed) {
            status.add(renewed ? "renewed" : "reachable");
          }
        });
    if (claim != null) {
      builder.claim(claim);
    }
    return builder.create();
  }

  private SignalingServer start(int port) throws Exception {
    return SignalingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        SignalingConfig.defaults());
  }

  private void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what + " (status " + status + ", pauses " + pauses + ")");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void shouldKeepTryingWithPausesDoublingUpToTheCapAndSayItOnce() {
    Outage outage = new Outage(Duration.ofSeconds(30), () -> 1.0, () -> 0L);
    List<Duration> got = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      got.add(outage.failed());
    }
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30)), got);
    Outage low = new Outage(Duration.ofSeconds(30), () -> 0.0, () -> 0L);
    assertEquals(Duration.ofMillis(500), low.failed(), "the jitter keeps at least half of the ceiling");
    assertEquals("45 s", Outage.describe(Duration.ofSeconds(45)));
    assertEquals("2 min", Outage.describe(Duration.ofSeconds(150)));
    assertEquals("3 h 5 min", Outage.describe(Duration.ofMinutes(185)));
  }

  @Test
  void shouldKeepTheClaimedSessionAcrossAServerRestartAndTakeANewClientAfterIt() throws Exception {
    server = start(0);
    int port = server.address().getPort();
    URI uri = server.uri();
    host = host(uri, CLAIM);
    String id = host.sessionId();
    CompletableFuture<JoinRequest> first = host.nextJoin();
    HttpSignaling before = new HttpSignaling(uri, id);
    before.join(HttpSignalingTest.plain("alice"));
    JoinRequest alice = first.get(20, TimeUnit.SECONDS);
    alice.accept(new JoinAnswer(HttpSignalingTest.ANSWER, null)).get(10, TimeUnit.SECONDS);

    CompletableFuture<JoinRequest> next = host.nextJoin();
    server.close(); // the in-memory store goes with it: the session is lost
    await(() -> host.unreachableSince() != null, "the host notices the outage");
    await(() -> pauses.size() >= 4, "a few tries during the outage");
    assertFalse(next.isDone(), "the host does not give up: " + next);
    assertEquals(List.of("unreachable"), status, "told once, not once per try");
    for (int i = 1; i < pauses.size(); i++) {
      assertTrue(pauses.get(i).compareTo(pauses.get(i - 1)) >= 0, "the pauses grow: " + pauses);
    }

    server = start(port);
    await(() -> status.contains("renewed"), "the session is created again");
    assertNull(host.unreachableSince());
    assertEquals(List.of("unreachable", "renewed"), status);
    assertEquals(id, host.sessionId());
    HttpSignaling after = new HttpSignaling(uri, id);
    after.join(HttpSignalingTest.plain("bob"));
    assertEquals("bob", next.get(20, TimeUnit.SECONDS).offer().clientName(), "a new client joins after the restart");
    alice.left("the client went").get(10, TimeUnit.SECONDS); // the old join is gone there: nothing to free, no error
    before.close();
    after.close();
  }

  @Test
  void shouldSayWhyARandomSessionCannotBeKeptAcrossAServerRestart() throws Exception {
    server = start(0);
    int port = server.address().getPort();
    host = host(server.uri(), null);
    CompletableFuture<JoinRequest> next = host.nextJoin();
    server.close();
    await(() -> host.unreachableSince() != null, "the host notices the outage");
    server = start(port);
    ExecutionException e = assertThrows(ExecutionException.class, () -> next.get(60, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("a random Session ID cannot be taken again"),
        e.getCause().getMessage());
  }
}
