package dev.p2ptunnel.webrtc.internal;

/**
 * How many bytes libwebrtc's send queue should hold: what the path drains in {@link #TARGET_DELAY_NS}, between
 * {@link #MIN_HIGH_BYTES} and the configured watermarks. Whatever waits there delays every socket's next message by its
 * time on the wire, while the path needs only enough to stay busy until the next poll refills it; so the high
 * watermark follows the drain rate (a slow path keeps a short queue in bytes, a fast one a longer one, both about
 * {@link #TARGET_DELAY_NS} long), and the low one keeps the configured ratio to it.
 *
 * <p>The rate comes from the polls while the channel is not writable: queue size then and now, plus what was sent in
 * between. A sample whose queue ran empty only shows a lower bound of the rate (the path could have taken more), so it
 * may raise the estimate, never lower it. Until the first sample the configured watermarks apply. Not thread-safe:
 * the channel calls it under its send lock.
 */
final class QueueTarget {
  /** The queue's length in time at the high watermark, once the rate is known. */
  static final long TARGET_DELAY_NS = 3_000_000;
  /** The least high watermark (unless the configured one is lower): 16 ms of a 1 MB/s path. */
  static final long MIN_HIGH_BYTES = 16 * 1024;
  /** Weight of a new sample in the rate estimate. */
  private static final double GAIN = 0.25;

  private final long maxHigh;
  private final long maxLow;
  private long high;
  private long low;
  private double bytesPerNs = -1;
  private long lastQueued = -1;
  private long lastNs;
  private long sentSince;

  QueueTarget(long maxHigh, long maxLow) {
    this.maxHigh = maxHigh;
    this.maxLow = maxLow;
    this.high = maxHigh;
    this.low = maxLow;
  }

  /** Queue size at which the channel stops being writable. */
  long high() {
    return high;
  }

  /** Queue size at or below which it is writable again. */
  long low() {
    return low;
  }

  /** The drain rate estimate in bytes per second, or -1 before the first sample. */
  long bytesPerSecond() {
    return bytesPerNs < 0 ? -1 : (long) (bytesPerNs * 1e9);
  }

  /** Bytes handed to libwebrtc. */
  void sent(long bytes) {
    sentSince += bytes;
  }

  /** libwebrtc's queue size {@code queued} at {@code nowNs}, read while the channel is (becoming) not writable. */
  void sample(long queued, long nowNs) {
    if (lastQueued >= 0 && nowNs > lastNs) {
      double rate = (lastQueued + sentSince - queued) / (double) (nowNs - lastNs);
      if (rate > 0 && (queued > 0 || rate > bytesPerNs)) {
        bytesPerNs = bytesPerNs < 0 ? rate : bytesPerNs + GAIN * (rate - bytesPerNs);
        long target = (long) (bytesPerNs * TARGET_DELAY_NS);
        high = Math.max(Math.min(MIN_HIGH_BYTES, maxHigh), Math.min(maxHigh, target));
        low = Math.max(0, Math.min(high - 1, (long) (high * (double) maxLow / maxHigh)));
      }
    }
    lastQueued = queued;
    lastNs = nowNs;
    sentSince = 0;
  }

  /** The channel is writable again: the next pair of samples starts afresh (the time between says nothing). */
  void resume() {
    lastQueued = -1;
    sentSince = 0;
  }
}
