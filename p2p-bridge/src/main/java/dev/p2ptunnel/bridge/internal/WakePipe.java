package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * How other threads wake the loop's selector in threaded mode: a byte written to a pipe whose read end the selector
 * watches; the loop drains it when it handles the key. Used instead of {@code Selector.wakeup()}, which on the
 * machine measured woke the same sleeping thread ~10 µs later, p50 (an eventfd behind a lock, drained inside the select
 * it woke; docs/PERFORMANCE.md, "The bridge loop per request"). Who writes, and when, is the {@link Engine}'s business:
 * only a thread that finds the loop about to sleep. {@link #wake} and {@link #close} are thread-safe; {@link #ready}
 * runs on the loop thread.
 */
final class WakePipe implements Selectable {
  private final Pipe pipe;
  private final Selector selector;
  private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
  /**
   * The pipe can no longer wake the loop: a thread interrupted in the middle of a write closed its sink (a pipe is an
   * interruptible channel). Wake-ups then go through {@code Selector.wakeup()}, as they did before the pipe.
   */
  private volatile boolean broken;

  private WakePipe(Pipe pipe, Selector selector) {
    this.pipe = pipe;
    this.selector = selector;
  }

  /** A pipe registered with {@code selector}; call before the loop's thread selects. */
  static WakePipe open(Selector selector) throws IOException {
    Pipe pipe = Pipe.open();
    WakePipe wake = new WakePipe(pipe, selector);
    try {
      pipe.sink().configureBlocking(false); // a full pipe wakes the loop already: a writer never waits
      pipe.source().configureBlocking(false);
      pipe.source().register(selector, SelectionKey.OP_READ, wake);
    } catch (IOException | RuntimeException e) {
      wake.close();
      throw e;
    }
    return wake;
  }

  /**
   * Any thread: makes the selector return (at once if it waits, else from its next select). The caller's interrupt
   * status is kept, but cleared during the write: a write by an interrupted thread would close the pipe for good.
   */
  void wake() {
    if (!broken) {
      boolean interrupted = Thread.interrupted();
      try {
        pipe.sink().write(ByteBuffer.allocate(1)); // 0 written: the pipe is full, which wakes the loop all the same
        return;
      } catch (IOException e) {
        // Closed: by the loop's end (Engine.finish drains what was queued), or by an interrupt that came during the
        // write (ClosedByInterruptException). Either way the selector's own wake-up still works.
        broken = true;
        Events.LOG.log(Level.DEBUG, "wake-up pipe: {0}; waking through the selector", e.toString());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    selector.wakeup();
  }

  /** Loop thread: the selector found bytes in the pipe; they are read so that it does not report them again. */
  @Override
  public void ready(SelectionKey key) {
    try {
      int read;
      do {
        drain.clear();
        read = pipe.source().read(drain);
      } while (read > 0);
      if (read < 0) { // the sink was closed under a writer (see broken): stop watching an end that is always ready
        broken = true;
        key.cancel();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("wake-up pipe failed", e);
    }
  }

  void close() {
    try {
      pipe.sink().close();
      pipe.source().close();
    } catch (IOException e) {
      Events.LOG.log(Level.DEBUG, "wake-up pipe close failed: {0}", e.toString());
    }
  }

  /** Tests: closes the write end as an interrupt in the middle of a write would. */
  void closeSinkForTest() throws IOException {
    pipe.sink().close();
  }
}
