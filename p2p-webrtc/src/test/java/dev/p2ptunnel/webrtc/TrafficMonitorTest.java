package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrafficMonitorTest {
  private final AtomicLong nowNs = new AtomicLong(1_000_000_000_000L);
  private final TrafficMonitor monitor = new TrafficMonitor(Duration.ofSeconds(1), () -> 3, nowNs::get);

  @Test
  void shouldCountBytesAndMessagesEachWay() {
    monitor.record(true, 100);
    monitor.record(true, 50);
    monitor.record(false, 7);
    TrafficMonitor.Snapshot s = monitor.snapshot();
    assertEquals(150, s.bytesIn());
    assertEquals(2, s.messagesIn());
    assertEquals(7, s.bytesOut());
    assertEquals(1, s.messagesOut());
    assertEquals(3, s.openSockets());
  }

  @Test
  void shouldComputeRatesOverTheSlidingWindowOnly() {
    monitor.record(true, 1000); // will age out
    nowNs.addAndGet(Duration.ofMillis(1500).toNanos());
    monitor.record(true, 400);
    monitor.record(false, 200);
    TrafficMonitor.Snapshot s = monitor.snapshot();
    assertEquals(400.0, s.bytesInPerSecond(), 1e-9);
    assertEquals(200.0, s.bytesOutPerSecond(), 1e-9);
    assertEquals(1400, s.bytesIn(), "totals keep everything");
    nowNs.addAndGet(Duration.ofSeconds(2).toNanos());
    assertEquals(0.0, monitor.snapshot().bytesInPerSecond(), 1e-9);
  }

  @Test
  void shouldRefuseSecondSession() {
    monitor.attach(new FakeSession());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> monitor.attach(new FakeSession()));
    assertEquals("TrafficMonitor already installed (expected: one monitor per session)", e.getMessage());
  }

  @Test
  void shouldRejectTinyWindow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrafficMonitor(Duration.ofMillis(1), () -> -1));
    assertEquals("window: PT0.001S (expected: >= PT0.01S)", e.getMessage());
  }
}
