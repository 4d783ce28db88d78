package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.internal.Keepalive.Due;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepaliveTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 77 * S;

  private final Keepalive keepalive = new Keepalive(Duration.ofSeconds(5), Duration.ofSeconds(15));

  @Test
  void shouldPingAfterTheIntervalAndDeclareDeathAfterTheTimeout() {
    keepalive.start(T0);
    assertEquals(T0 + 5 * S, keepalive.deadlineNanos());
    assertEquals(Due.NOTHING, keepalive.check(T0 + 5 * S - 1));
    assertEquals(Due.PING, keepalive.check(T0 + 5 * S));
    assertEquals(Due.NOTHING, keepalive.check(T0 + 5 * S), "one PING per interval");
    assertEquals(T0 + 10 * S, keepalive.deadlineNanos());
    assertEquals(Due.PING, keepalive.check(T0 + 10 * S));
    assertEquals(T0 + 15 * S, keepalive.deadlineNanos());
    assertEquals(Due.NOTHING, keepalive.check(T0 + 15 * S - 1));
    assertEquals(Due.DEAD, keepalive.check(T0 + 15 * S));
    assertEquals("peer did not answer keepalive within 15000 ms", keepalive.deadReason());
  }

  @Test
  void shouldCountAnyMessageAsLife() {
    keepalive.start(T0);
    for (long t = T0 + 4 * S; t < T0 + 60 * S; t += 4 * S) {
      assertEquals(Due.NOTHING, keepalive.check(t));
      keepalive.received(t);
    }
  }

  @Test
  void shouldNumberPings() {
    assertEquals(1, keepalive.nextNonce());
    assertEquals(2, keepalive.nextNonce());
  }
}
