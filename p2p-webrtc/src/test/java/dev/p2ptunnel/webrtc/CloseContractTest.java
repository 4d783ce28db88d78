package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who owns the host's signaling, closeAsync(), and close() bounded as a whole even when signaling never finishes
 * closing. No WebRTC object is made (no client joins).
 */
@Timeout(90)
class CloseContractTest {
  private static HostOptions.Builder options(HostSignaling signaling) {
    return HostOptions.builder("127.0.0.1", 9).signaling(signaling);
  }

  @Test
  void shouldCloseTheSignalingItWasHandedByDefault() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Tunnel.host(options(signaling).build()).close();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> signaling.nextJoin().get(10, TimeUnit.SECONDS));
    assertEquals("signaling closed", e.getCause().getMessage());
  }

  @Test
  void shouldLeaveTheSignalingOpenWhenTheCallerKeepsIt() throws Exception {
    InMemorySignaling signaling = new InMemorySignaling();
    Tunnel.host(options(signaling).closeSignaling(false).build()).close();
    CompletableFuture<JoinRequest> next = signaling.nextJoin();
    ClientJoin join = signaling.join(new JoinOffer("carol", CallbackThreadTest.NO_FINGERPRINT, null));
    assertSame(join, next.get(10, TimeUnit.SECONDS), "the signaling still carries joins to whoever takes them");
    signaling.close();
  }

  @Test
  void shouldCloseAsynchronouslyAndCompleteOnTheCallbackThread() throws Exception {
    HostTunnel host = Tunnel.host(options(new InMemorySignaling()).build());
    CompletableFuture<String> thread = new CompletableFuture<>();
    CompletableFuture<String> closed = host.closeAsync();
    closed.whenComplete((reason, error) -> thread.complete(Thread.currentThread().getName()));
    assertEquals("closed locally", closed.get(30, TimeUnit.SECONDS));
    assertEquals(TunnelHandle.State.CLOSED, host.state());
    // Registered before completion, it ran on the callback thread; registered after, on this one.
    String name = thread.get(30, TimeUnit.SECONDS);
    assertTrue(name.startsWith("p2p-tunnel-callbacks-host-") || name.equals(Thread.currentThread().getName()), name);
    assertEquals("closed locally", host.closeAsync().get(30, TimeUnit.SECONDS), "idempotent");
  }

  @Test
  void shouldReturnFromCloseWhileSignalingStillHangsInClose() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch closing = new CountDownLatch(1);
    HostSignaling stuck = new HostSignaling() {
      @Override
      public CompletableFuture<JoinRequest> nextJoin() {
        return new CompletableFuture<>();
      }

      @Override
      public void close() {
        closing.countDown();
        try {
          release.await(); // a server that never answers the DELETE, a broker that never acknowledges
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    // The bound is the subject, not its default (15 s, HostOptions.DEFAULT_CLOSE_TIMEOUT): a 2 s one here.
    HostTunnel host = Tunnel.host(options(stuck).closeTimeout(Duration.ofSeconds(2))
        .clientCloseTimeout(Duration.ofSeconds(2)).build());
    try {
      host.close(); // bounded: returns (after the close timeout) although signaling never finishes
      assertTrue(closing.await(0, TimeUnit.SECONDS), "signaling's close was called");
      assertFalse(release.await(0, TimeUnit.SECONDS));
      assertEquals(TunnelHandle.State.CLOSED, host.state());
    } finally {
      release.countDown();
    }
  }
}
