package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The send queue's watermarks follow the drain rate seen by the polls: about 3 ms of queue, within bounds. */
class QueueTargetTest {
  private static final long MS = 1_000_000;

  @Test
  void shouldKeepTheConfiguredWatermarksUntilARateIsKnown() {
    QueueTarget target = new QueueTarget(262_144, 65_536);
    assertEquals(262_144, target.high());
    assertEquals(65_536, target.low());
    target.sample(262_144, 0); // one sample is no rate
    assertEquals(262_144, target.high());
    assertEquals(-1, target.bytesPerSecond());
  }

  @Test
  void shouldHoldThreeMillisecondsOfASlowPath() {
    QueueTarget target = new QueueTarget(262_144, 65_536);
    target.sample(262_144, 0);
    target.sample(242_144, MS); // 20 000 bytes drained in 1 ms: 20 MB/s
    assertEquals(20_000_000, target.bytesPerSecond());
    assertEquals(60_000, target.high());
    assertEquals(15_000, target.low(), "the configured ratio, 1/4");
  }

  @Test
  void shouldNeverGoAboveTheConfiguredNorBelowTheFloor() {
    QueueTarget fast = new QueueTarget(262_144, 65_536);
    fast.sample(262_144, 0);
    fast.sample(162_144, MS); // 100 MB/s: 300 000 bytes would be 3 ms
    assertEquals(262_144, fast.high());
    assertEquals(65_536, fast.low());

    QueueTarget slow = new QueueTarget(262_144, 65_536);
    slow.sample(262_144, 0);
    slow.sample(261_144, MS); // 1 MB/s: 3 000 bytes would be 3 ms
    assertEquals(QueueTarget.MIN_HIGH_BYTES, slow.high());
    assertEquals(QueueTarget.MIN_HIGH_BYTES / 4, slow.low());

    QueueTarget small = new QueueTarget(8_192, 2_048); // configured below the floor: the configuration wins
    small.sample(8_192, 0);
    small.sample(8_000, MS);
    assertEquals(8_192, small.high());
  }

  @Test
  void shouldCountWhatWasSentBetweenSamples() {
    QueueTarget target = new QueueTarget(262_144, 65_536);
    target.sample(100_000, 0);
    target.sent(30_000); // a caller that sent while not writable (a WINDOW, a CLOSE)
    target.sample(100_000, MS); // 30 000 bytes drained: 30 MB/s
    assertEquals(30_000_000, target.bytesPerSecond());
    assertEquals(90_000, target.high());
  }

  @Test
  void anEmptyQueueOnlyRaisesTheEstimate() {
    QueueTarget target = new QueueTarget(262_144, 65_536);
    target.sample(100_000, 0);
    target.sample(80_000, MS); // 20 MB/s
    target.sample(0, 10 * MS); // ran empty: 8 MB/s is only a lower bound, ignored
    assertEquals(20_000_000, target.bytesPerSecond());
    target.sample(100_000, 10 * MS);
    target.sample(0, 11 * MS); // at least 100 MB/s: raises the estimate by its gain
    assertEquals(40_000_000, target.bytesPerSecond()); // 20 + (100 - 20) / 4
  }

  @Test
  void shouldSmoothTheRateAndStartAfreshAfterAWritablePeriod() {
    QueueTarget target = new QueueTarget(262_144, 65_536);
    target.sample(200_000, 0);
    target.sample(180_000, MS); // 20 MB/s
    target.sample(140_000, 2 * MS); // 40 MB/s: the estimate moves a quarter of the way
    assertEquals(25_000_000, target.bytesPerSecond());
    target.resume();
    target.sample(50_000, 100 * MS); // first sample of a new period: no rate from 98 ms of being writable
    assertEquals(25_000_000, target.bytesPerSecond());
  }
}
