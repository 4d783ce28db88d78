package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.RateLimit;
import org.junit.jupiter.api.Test;

/** The leaky buckets at their boundaries, time moved by hand. */
class PeerGuardTest {
  private static final long SECOND = 1_000_000_000L;

  private final PeerGuard guard = new PeerGuard(PeerLimits.defaults().withPings(new RateLimit(10, 5)), 0);

  @Test
  void shouldAllowTheBurstThenRefuseThenCallItAFlood() {
    for (int i = 1; i <= 5; i++) {
      assertEquals(PeerGuard.Verdict.OK, guard.admit(PeerGuard.Kind.PING, 0), "message " + i + " of the burst");
    }
    for (int i = 6; i <= 10; i++) {
      assertEquals(PeerGuard.Verdict.OVER, guard.admit(PeerGuard.Kind.PING, 0), "message " + i);
    }
    assertEquals(PeerGuard.Verdict.FLOOD, guard.admit(PeerGuard.Kind.PING, 0), "twice the burst");
  }

  @Test
  void shouldNeverRefuseAPeerThatKeepsToItsRate() {
    for (int i = 0; i < 10_000; i++) {
      assertEquals(PeerGuard.Verdict.OK, guard.admit(PeerGuard.Kind.PING, i * SECOND / 10), "message " + i);
    }
  }

  @Test
  void shouldDrainAtTheRateSoThatARefusedPeerRecovers() {
    for (int i = 0; i < 10; i++) {
      guard.admit(PeerGuard.Kind.PING, 0);
    }
    // 10 in the bucket; half a second drains 5 of them.
    assertEquals(PeerGuard.Verdict.OVER, guard.admit(PeerGuard.Kind.PING, SECOND / 2 - 1));
    assertEquals(PeerGuard.Verdict.OK, guard.admit(PeerGuard.Kind.PING, 2 * SECOND));
  }

  @Test
  void shouldKeepEachKindApart() {
    for (int i = 0; i < 10; i++) {
      guard.admit(PeerGuard.Kind.PING, 0);
    }
    assertEquals(PeerGuard.Verdict.OK, guard.admit(PeerGuard.Kind.CONNECT, 0));
    assertEquals(PeerGuard.Verdict.OK, guard.admit(PeerGuard.Kind.WINDOW, 0));
  }

  @Test
  void shouldSayWhichLimitWasPassed() {
    assertEquals("peer sent PING messages faster than 10/s (burst 5) and kept on after being refused: closed to "
        + "protect the host", guard.floodReason(PeerGuard.Kind.PING));
    assertEquals("more than 500/s (burst 500) CONNECT and CLOSE messages from this peer",
        guard.overReason(PeerGuard.Kind.CONNECT));
  }
}
