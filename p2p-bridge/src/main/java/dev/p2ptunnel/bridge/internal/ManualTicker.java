package dev.p2ptunnel.bridge.internal;

import java.time.Duration;

/**
 * A {@link Ticker} that moves only when told: time for engines run in embedded mode ({@link Engine#advanceTime}).
 * Starts at an arbitrary non-zero value, as {@link System#nanoTime()} does, so that code cannot rely on time 0. Not
 * thread-safe: the test thread that drives the engines owns it.
 */
public final class ManualTicker implements Ticker {
  private long nowNanos = 1_000_000_000_000L;

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  /** Moves time forward by {@code duration} (not negative). */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    nowNanos += duration.toNanos();
  }
}
