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
  void shouldReportASilenceOnceAndKeepPingingUntilAMessageEndsIt() {
    keepalive.start(T0);
    assertEquals(Due.PING, keepalive.check(T0 + 5 * S));
    assertEquals(Due.PING, keepalive.check(T0 + 10 * S));
    assertEquals(Due.DEAD, keepalive.check(T0 + 15 * S));
    assertEquals(Due.PING, keepalive.check(T0 + 15 * S), "the PING due at the same time comes next");
    assertEquals(T0 + 20 * S, keepalive.deadlineNanos(), "only PINGs are due now");
    assertEquals(Due.PING, keepalive.check(T0 + 20 * S), "still probing a peer that may come back");
    assertEquals(Due.NOTHING, keepalive.check(T0 + 24 * S));
    keepalive.progress(10, T0 + 24 * S);
    keepalive.progress(5, T0 + 24 * S);
    assertEquals(true, keepalive.silent(), "the queue draining does not end a reported silence");
    assertEquals(true, keepalive.received(T0 + 24 * S), "a message does");
    assertEquals(false, keepalive.silent());
    assertEquals(Due.PING, keepalive.check(T0 + 29 * S));
    assertEquals(Due.PING, keepalive.check(T0 + 34 * S));
    assertEquals(Due.NOTHING, keepalive.check(T0 + 39 * S - 1));
    assertEquals(Due.DEAD, keepalive.check(T0 + 39 * S), "silent again 15 s after the last message");
  }

  @Test
  void shouldTakeADrainingSendQueueAsLifeForAtMostFourTimeouts() {
    keepalive.start(T0);
    long t = T0;
    for (int i = 1; t + 10 * S < T0 + 60 * S; i++) {
      t += 10 * S;
      keepalive.progress(1_000_000 - i, t); // the peer's transport takes data, though no message of it arrives
      assertEquals(Due.PING, keepalive.check(t), "at " + (t - T0) / S + " s");
    }
    assertEquals(Due.PING, keepalive.check(T0 + 55 * S));
    assertEquals(T0 + 60 * S, keepalive.deadlineNanos());
    assertEquals(Due.NOTHING, keepalive.check(T0 + 60 * S - 1));
    keepalive.progress(1, T0 + 60 * S);
    assertEquals(Due.DEAD, keepalive.check(T0 + 60 * S), "a stuck peer whose transport still acknowledges");
  }

  @Test
  void shouldNotTakeAGrowingOrSteadyQueueAsLife() {
    keepalive.start(T0);
    keepalive.progress(100, T0 + 6 * S);
    keepalive.progress(100, T0 + 9 * S);
    keepalive.progress(200, T0 + 12 * S);
    assertEquals(Due.DEAD, keepalive.check(T0 + 15 * S));
  }

  @Test
  void shouldNotCountSilenceAsLossWhileThePathIsConfirmed() {
    keepalive.start(T0);
    keepalive.path(true, T0 + S); // a one-way transfer in an SCTP back-off: nothing arrives, ICE hears the peer
    assertEquals(Due.PING, keepalive.check(T0 + 5 * S));
    assertEquals(Due.PING, keepalive.check(T0 + 10 * S));
    assertEquals(T0 + 15 * S, keepalive.deadlineNanos(), "the next PING, no verdict");
    assertEquals(Due.PING, keepalive.check(T0 + 15 * S), "no verdict after the timeout");
    assertEquals(Due.PING, keepalive.check(T0 + 40 * S));
    assertEquals(Due.NOTHING, keepalive.check(T0 + 44 * S));
    keepalive.received(T0 + 44 * S);
    assertEquals(false, keepalive.silent(), "never reported");
  }

  @Test
  void shouldDeclareLossAfterFourTimeoutsWithoutAMessageEvenWhileThePathIsConfirmed() {
    keepalive.start(T0);
    keepalive.path(true, T0);
    assertEquals(T0 + 5 * S, keepalive.deadlineNanos());
    for (long t = T0 + 5 * S; t < T0 + 60 * S; t += 5 * S) {
      assertEquals(Due.PING, keepalive.check(t), "at " + (t - T0) / S + " s");
    }
    assertEquals(Due.NOTHING, keepalive.check(T0 + 60 * S - 1));
    assertEquals(Due.DEAD, keepalive.check(T0 + 60 * S), "a stuck peer whose transport still answers ICE");
    assertEquals("peer sent nothing for 60000 ms though its transport still carried (keepalive)",
        keepalive.deadReason());
  }

  @Test
  void shouldDeclareLossAtTheTimeoutWhenThePathWentDownBeforeIt() {
    keepalive.start(T0);
    keepalive.path(true, T0);
    keepalive.path(false, T0 + 7_500_000_000L); // libwebrtc: DISCONNECTED ~7.5 s into an outage
    assertEquals(Due.PING, keepalive.check(T0 + 10 * S));
    assertEquals(T0 + 15 * S, keepalive.deadlineNanos());
    assertEquals(Due.NOTHING, keepalive.check(T0 + 15 * S - 1));
    assertEquals(Due.DEAD, keepalive.check(T0 + 15 * S), "as early as without the path's word");
  }

  @Test
  void shouldDeclareLossOneIntervalAfterThePathWentDownDuringALongSilence() {
    keepalive.start(T0);
    keepalive.path(true, T0);
    assertEquals(Due.PING, keepalive.check(T0 + 20 * S));
    keepalive.path(false, T0 + 20 * S);
    assertEquals(T0 + 25 * S, keepalive.deadlineNanos());
    keepalive.path(true, T0 + 21 * S); // a DISCONNECTED blip: back within a second
    keepalive.path(false, T0 + 30 * S);
    assertEquals(Due.PING, keepalive.check(T0 + 30 * S));
    assertEquals(Due.NOTHING, keepalive.check(T0 + 35 * S - 1), "the path went down again at 30 s");
    assertEquals(Due.DEAD, keepalive.check(T0 + 35 * S));
  }

  @Test
  void shouldTakeThePathAsUnconfirmedWhenAChannelStartsAgain() {
    keepalive.start(T0);
    keepalive.path(true, T0);
    keepalive.start(T0 + S); // a new channel: its transport speaks for itself
    assertEquals(false, keepalive.pathConfirmed());
    assertEquals(Due.DEAD, keepalive.check(T0 + 16 * S));
  }

  @Test
  void shouldNumberPings() {
    assertEquals(1, keepalive.nextNonce());
    assertEquals(2, keepalive.nextNonce());
  }
}
