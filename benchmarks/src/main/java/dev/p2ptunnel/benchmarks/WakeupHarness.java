package dev.p2ptunnel.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What it costs in time to wake a sleeping thread, the hop every message from the channel's delivery thread to the
 * bridge loop makes (docs/PERFORMANCE.md, "The bridge loop per request"): from the waker's {@code System.nanoTime()}
 * just before the wake-up to the sleeper's just after it returns, p50 and p90 of {@link #WAKES} wake-ups 0.2 ms apart,
 * for a thread waiting in {@code Selector.select} woken by {@code Selector.wakeup()} (what the bridge does), the same
 * thread woken by a byte written to a pipe it selects on (what a local socket does), and a thread parked with
 * {@code LockSupport.park} woken by {@code unpark} (a futex, which a thread that must also watch sockets cannot use).
 * Runs on the calling thread and one thread of its own; not thread-safe.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.p2ptunnel.benchmarks.BridgeHarness wakeup
 * </pre>
 */
final class WakeupHarness {
  private static final int WAKES = 10_000;

  private static volatile long stamp;
  private static volatile int sequence;
  private static volatile int acknowledged;

  private WakeupHarness() {}

  /** How the sleeper waits; returns once woken (or spuriously). */
  private interface Sleeper {
    void await() throws IOException;
  }

  static void run() throws Exception {
    try (Selector selector = Selector.open()) {
      Pipe pipe = Pipe.open();
      try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
        source.configureBlocking(false);
        source.register(selector, SelectionKey.OP_READ);
        ByteBuffer drain = ByteBuffer.allocate(64);
        ByteBuffer one = ByteBuffer.allocate(1);
        Thread[] sleeper = new Thread[1];
        for (int round = 0; round < 2; round++) { // the first round warms up
          boolean print = round == 1;
          measure(print, "Selector.wakeup -> select returns", () -> selector.select(1_000), selector::wakeup);
          measure(print, "pipe byte -> select returns", () -> {
            selector.select(1_000);
            selector.selectedKeys().clear();
            drain.clear();
            source.read(drain);
          }, () -> {
            one.clear();
            try {
              sink.write(one);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
          measure(print, "unpark -> park returns", () -> {
            sleeper[0] = Thread.currentThread();
            LockSupport.park();
          }, () -> LockSupport.unpark(sleeper[0]));
        }
      }
    }
  }

  private static void measure(boolean print, String name, Sleeper sleeper, Runnable wake) throws Exception {
    long[] latency = new long[WAKES];
    sequence = 0;
    acknowledged = 0;
    Throwable[] failure = new Throwable[1];
    Thread thread = new Thread(() -> {
      try {
        for (int i = 0; i < WAKES; i++) {
          while (sequence == i) {
            sleeper.await();
          }
          latency[i] = System.nanoTime() - stamp;
          acknowledged = i + 1;
        }
      } catch (IOException | RuntimeException e) {
        failure[0] = e;
        acknowledged = Integer.MAX_VALUE;
      }
    }, "wakeup-sleeper");
    thread.start();
    for (int i = 0; i < WAKES && failure[0] == null; i++) {
      LockSupport.parkNanos(200_000); // the sleeper is asleep by now
      stamp = System.nanoTime();
      sequence = i + 1;
      wake.run();
      while (acknowledged < i + 1) {
        LockSupport.parkNanos(1_000);
      }
    }
    thread.join();
    if (failure[0] != null) {
      throw new IllegalStateException(name + ": the sleeper failed", failure[0]);
    }
    if (print) {
      Arrays.sort(latency);
      System.out.printf(Locale.ROOT, "wakeup %-34s p50 %5.1f us, p90 %5.1f us%n", name + ":",
          latency[WAKES / 2] / 1e3, latency[WAKES * 9 / 10] / 1e3);
    }
  }
}
