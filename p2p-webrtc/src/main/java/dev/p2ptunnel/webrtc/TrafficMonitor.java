package dev.p2ptunnel.webrtc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Counts one session's messages and bytes each way, with rates over a sliding window (ten buckets). Install on one
 * session only. Thread-safe; {@link #snapshot()} may be called from any thread at any time, also after the close.
 */
public final class TrafficMonitor implements SessionPlugin {
  private static final int BUCKETS = 10;

  /**
   * Counters at one instant.
   *
   * @param bytesIn bytes received since install
   * @param bytesOut bytes queued for sending since install
   * @param messagesIn messages received
   * @param messagesOut messages sent
   * @param bytesInPerSecond receive rate over the last {@code window}
   * @param bytesOutPerSecond send rate over the last {@code window}
   * @param window the rate window
   * @param openSockets from the supplier given at construction (e.g. the bridge's open connections), -1 if none
   */
  public record Snapshot(long bytesIn, long bytesOut, long messagesIn, long messagesOut, double bytesInPerSecond,
      double bytesOutPerSecond, Duration window, int openSockets) {}

  private final Duration window;
  private final long bucketNs;
  private final IntSupplier openSockets;
  private final LongSupplier nanoClock;
  private final AtomicBoolean attached = new AtomicBoolean();
  private final long[] bucketEpoch = new long[BUCKETS]; // guarded by this
  private final long[] bucketIn = new long[BUCKETS]; // guarded by this
  private final long[] bucketOut = new long[BUCKETS]; // guarded by this
  private long bytesIn; // guarded by this
  private long bytesOut; // guarded by this
  private long messagesIn; // guarded by this
  private long messagesOut; // guarded by this

  /** Rates over 5 s; no socket count. */
  public TrafficMonitor() {
    this(Duration.ofSeconds(5), () -> -1);
  }

  /**
   * @param window rate window, at least 10 ms
   * @param openSockets read at each snapshot, on the snapshot's thread; must be thread-safe and cheap
   */
  public TrafficMonitor(Duration window, IntSupplier openSockets) {
    this(window, openSockets, System::nanoTime);
  }

  TrafficMonitor(Duration window, IntSupplier openSockets, LongSupplier nanoClock) {
    if (window.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException("window: " + window + " (expected: >= PT0.01S)");
    }
    this.window = window;
    this.bucketNs = window.toNanos() / BUCKETS;
    this.openSockets = Objects.requireNonNull(openSockets, "openSockets");
    this.nanoClock = nanoClock;
    java.util.Arrays.fill(bucketEpoch, Long.MIN_VALUE);
  }

  @Override
  public SessionObserver attach(WebRtcSession session) {
    if (!attached.compareAndSet(false, true)) {
      throw new IllegalStateException("TrafficMonitor already installed (expected: one monitor per session)");
    }
    return new SessionObserver() {
      @Override
      public void onMessageSent(int bytes) {
        record(false, bytes);
      }

      @Override
      public void onMessageReceived(int bytes) {
        record(true, bytes);
      }
    };
  }

  synchronized void record(boolean in, int bytes) {
    long epoch = nanoClock.getAsLong() / bucketNs;
    int slot = (int) Math.floorMod(epoch, (long) BUCKETS);
    if (bucketEpoch[slot] != epoch) {
      bucketEpoch[slot] = epoch;
      bucketIn[slot] = 0;
      bucketOut[slot] = 0;
    }
    if (in) {
      bucketIn[slot] += bytes;
      bytesIn += bytes;
      messagesIn++;
    } else {
      bucketOut[slot] += bytes;
      bytesOut += bytes;
      messagesOut++;
    }
  }

  /** The counters now. */
  public Snapshot snapshot() {
    long in = 0;
    long out = 0;
    Snapshot totals;
    synchronized (this) {
      long epoch = nanoClock.getAsLong() / bucketNs;
      for (int i = 0; i < BUCKETS; i++) {
        if (bucketEpoch[i] > epoch - BUCKETS) {
          in += bucketIn[i];
          out += bucketOut[i];
        }
      }
      double seconds = window.toNanos() / 1e9;
      totals = new Snapshot(bytesIn, bytesOut, messagesIn, messagesOut, in / seconds, out / seconds, window, 0);
    }
    return new Snapshot(totals.bytesIn(), totals.bytesOut(), totals.messagesIn(), totals.messagesOut(),
        totals.bytesInPerSecond(), totals.bytesOutPerSecond(), window, openSockets.getAsInt());
  }
}
