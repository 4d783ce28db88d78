package dev.p2ptunnel.webrtc.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Start-up work that overlaps a join (issue 15, docs/PERFORMANCE.md "Start, fourth session" and "Start, seventh
 * session"): the bridge's classes ({@link BridgePreload}), the known hosts' rehearsed write ({@link KnownHostsWarmUp}),
 * each once per JVM on a short-lived daemon thread of its own, only with the overlap on, and never failing anything:
 * it is only a head start, the real work later reports whatever is wrong. A warm-up is one call of {@link #once}.
 * Thread-safe: any thread; each warm-up's flag decides which caller starts it.
 */
public final class StartOverlap {
  /** The switch: {@code -Dp2p.start.overlap=off} turns every overlapping start-up step off, for comparisons. */
  static final String PROPERTY = "p2p.start.overlap";

  private static final System.Logger LOG = System.getLogger("dev.p2ptunnel.webrtc.tunnel");

  private StartOverlap() {}

  /** A warm-up's work; it may throw anything, which only ends it ({@link #once}). */
  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  /**
   * Whether start-up work may overlap the join ({@code -Dp2p.start.overlap=off} turns the bridge's preload, the
   * signaling warm-up's first request and the known hosts' rehearsed write off, for comparisons: docs/PERFORMANCE.md
   * "Start, fourth session"). Read at each call.
   */
  public static boolean overlapOn() {
    return !"off".equals(System.getProperty(PROPERTY));
  }

  /**
   * Runs {@code work} on a new daemon thread named {@code threadName}, unless the overlap is off (then not at all, and
   * {@code done} stays as it is) or {@code done} is set already (by an earlier call: once per flag); sets {@code done}.
   * Returns at once: the thread, or null if nothing started. Whatever {@code work} throws ends it with one DEBUG line
   * on the logger {@code dev.p2ptunnel.webrtc.tunnel}, "{@code what} failed: EXCEPTION"; nothing reaches the caller
   * or the thread's uncaught-exception handler.
   */
  static @Nullable Thread once(AtomicBoolean done, String threadName, String what, Work work) {
    if (!overlapOn() || !done.compareAndSet(false, true)) {
      return null;
    }
    Thread thread = new Thread(new Logged(what, work), threadName);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The work, its failure logged; a class rather than a lambda, so that a warm-up costs one lambda: its own. */
  private static final class Logged implements Runnable {
    private final String what;
    private final Work work;

    Logged(String what, Work work) {
      this.what = what;
      this.work = work;
    }

    @Override
    public void run() {
      try {
        work.run();
      } catch (Throwable e) { // only a head start: the real work reports whatever is wrong
        try {
          LOG.log(Level.DEBUG, "{0} failed: {1}", what, e.toString());
        } catch (Throwable ignored) {
          // a broken log handler: nothing left to tell, and nobody to tell it to
        }
      }
    }
  }
}
