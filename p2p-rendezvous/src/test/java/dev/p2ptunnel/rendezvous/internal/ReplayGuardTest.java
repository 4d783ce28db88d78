package dev.p2ptunnel.rendezvous.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Copies and replays by message id, the time window, and forgetting; time is passed in, never waited for. */
class ReplayGuardTest {
  private static final long NOW_MS = 1_800_000_000_000L;
  private static final long MIN = 60_000;

  private static byte[] id(int n) {
    byte[] id = new byte[16];
    id[15] = (byte) n;
    id[0] = (byte) 0xAB;
    return id;
  }

  @Test
  void shouldAcceptAMessageOnceAndSayWhenItWasSeen() {
    ReplayGuard guard = new ReplayGuard();
    assertNull(guard.check(id(1), NOW_MS, NOW_MS, 0, true));
    assertEquals("message ab000000… was received 1 s ago already (a copy from another broker, or a replay)",
        guard.check(id(1), NOW_MS, NOW_MS, 1_500_000_000L, true));
    assertNull(guard.check(id(2), NOW_MS, NOW_MS, 0, true));
  }

  @Test
  void shouldRefuseMessagesFromOutsideTheWindowWhenAsked() {
    ReplayGuard guard = new ReplayGuard();
    assertEquals("sent 11 min ago by the sender's clock (limit: 10 min; a replay, or a clock that is wrong)",
        guard.check(id(1), NOW_MS - 11 * MIN, NOW_MS, 0, true));
    assertEquals("sent 2 h in the future by the sender's clock (limit: 10 min; a clock that is wrong)",
        guard.check(id(2), NOW_MS + 120 * MIN, NOW_MS, 0, true));
    assertNull(guard.check(id(3), NOW_MS - 10 * MIN, NOW_MS, 0, true), "the limit itself is inside");
    assertNull(guard.check(id(4), NOW_MS - 11 * MIN, NOW_MS, 0, false), "not asked: only copies count");
  }

  @Test
  void shouldForgetIdsTwiceTheWindowAfterTheyArrived() {
    ReplayGuard guard = new ReplayGuard(Duration.ofMinutes(10));
    assertNull(guard.check(id(1), NOW_MS, NOW_MS, 0, true));
    assertNull(guard.check(id(2), NOW_MS, NOW_MS, Duration.ofMinutes(15).toNanos(), true));
    assertEquals(2, guard.size());
    long later = Duration.ofMinutes(21).toNanos();
    assertNull(guard.check(id(3), NOW_MS + 21 * MIN, NOW_MS + 21 * MIN, later, true));
    assertEquals(2, guard.size(), "id 1 forgotten; by now its sending time is outside the window anyway");
  }

  @Test
  void shouldDescribeDurationsForPeople() {
    assertEquals("850 ms", ReplayGuard.describe(850));
    assertEquals("12 s", ReplayGuard.describe(12_000));
    assertEquals("3 min 5 s", ReplayGuard.describe(185_000));
    assertEquals("2 h 1 min", ReplayGuard.describe(7_260_000));
    assertEquals("1 h", ReplayGuard.describe(3_600_000));
  }
}
