package dev.p2ptunnel.bridge.internal;

/**
 * The engine's only source of time, in nanoseconds of an arbitrary origin (like {@link System#nanoTime()}). Production
 * uses {@link #SYSTEM}; a test injects a {@link ManualTicker} and moves time itself. Implementations are read on the
 * loop thread only.
 */
@FunctionalInterface
public interface Ticker {
  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** Now, in nanoseconds. */
  long nanoTime();
}
