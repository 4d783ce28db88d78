package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where the host's listener, approver and futures run: its own callback thread, or the executor the user supplied;
 * never the thread that takes joins nor the common pool. No WebRTC object is made: every join here is refused before
 * a session would exist.
 */
@Timeout(60)
class CallbackThreadTest {
  static final SessionDescription NO_FINGERPRINT =
      new SessionDescription(SessionDescription.Type.OFFER, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n");
  private static final SessionDescription WITH_FINGERPRINT = new SessionDescription(SessionDescription.Type.OFFER,
      "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\n");

  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService app = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "app-callbacks-" + threads.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void stop() {
    app.shutdownNow();
  }

  /** Records the thread of each listener event. */
  private static final class Recorder implements HostListener {
    final CompletableFuture<String> rejected = new CompletableFuture<>();

    @Override
    public void onClientRejected(String clientName, String reason) {
      rejected.complete(Thread.currentThread().getName() + ": " + reason);
    }
  }

  private static CompletableFuture<String> threadOf(CompletableFuture<?> future) {
    CompletableFuture<String> name = new CompletableFuture<>();
    future.whenComplete((value, error) -> name.complete(Thread.currentThread().getName()));
    return name;
  }

  @Test
  void shouldCallTheListenerAndCompleteFuturesOnTheHostsOwnCallbackThread() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Recorder listener = new Recorder();
    HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", 9).signaling(signaling).listener(listener)
        .build());
    CompletableFuture<String> closedOn = threadOf(host.closed());
    signaling.join(new JoinOffer("mallory", NO_FINGERPRINT, null));
    String rejected = listener.rejected.get(20, TimeUnit.SECONDS);
    assertTrue(rejected.matches("p2p-tunnel-callbacks-host-\\d+: the offer carries no DTLS fingerprint"), rejected);
    host.close();
    assertTrue(closedOn.get(20, TimeUnit.SECONDS).startsWith("p2p-tunnel-callbacks-host-"), closedOn.join());
  }

  @Test
  void shouldRunTheListenerTheApproverAndTheFuturesOnTheSuppliedExecutor() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Recorder listener = new Recorder();
    CompletableFuture<String> approverOn = new CompletableFuture<>();
    CompletableFuture<String> cancelledOn = new CompletableFuture<>();
    JoinApprover approver = join -> {
      approverOn.complete(Thread.currentThread().getName());
      join.cancelled().whenComplete((why, error) -> cancelledOn.complete(Thread.currentThread().getName()));
      return CompletableFuture.completedFuture(JoinDecision.refuse("not today"));
    };
    HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", 9).signaling(signaling).listener(listener)
        .approver(approver).callbackExecutor(app).build());
    CompletableFuture<String> openedOn = threadOf(host.opened());
    ClientJoin join = signaling.join(new JoinOffer("bob", WITH_FINGERPRINT, null));
    assertEquals("app-callbacks-1", approverOn.get(20, TimeUnit.SECONDS));
    assertEquals("app-callbacks-1: not today", listener.rejected.get(20, TimeUnit.SECONDS));
    assertEquals("app-callbacks-1", cancelledOn.get(20, TimeUnit.SECONDS));
    assertEquals("not today", assertRejected(join));
    host.close();
    assertEquals("app-callbacks-1", openedOn.get(20, TimeUnit.SECONDS), "opened() fails on close, there too");
    assertTrue(host.awaitClosed(Duration.ofSeconds(20)) != null);
  }

  @Test
  void shouldDeliverTunnelEventsOnTheSuppliedExecutorEndingWithClosed() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    HostTunnel host = Tunnel.host(HostOptions.builder("127.0.0.1", 9).signaling(signaling).callbackExecutor(app)
        .events(event -> {
          events.add(event.kind() + " " + event.clientName() + " " + event.reason() + " on "
              + Thread.currentThread().getName());
          if (event.kind() == TunnelEvent.Kind.CLOSED) {
            closed.complete(null);
          }
        }).build());
    ClientJoin join = signaling.join(new JoinOffer("mallory", NO_FINGERPRINT, null));
    assertEquals("the offer carries no DTLS fingerprint", assertRejected(join));
    host.close();
    closed.get(20, TimeUnit.SECONDS);
    assertEquals(java.util.List.of(
        "CLIENT_REJECTED mallory the offer carries no DTLS fingerprint on app-callbacks-1",
        "CLOSED null closed locally on app-callbacks-1"), events);
  }

  private static String assertRejected(ClientJoin join) throws Exception {
    try {
      join.firstReply().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause().getMessage();
    }
    throw new AssertionError("the join was not refused");
  }
}
