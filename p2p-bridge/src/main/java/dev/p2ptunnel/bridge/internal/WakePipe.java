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
  private final ByteBuffer drain = ByteBuffer.allocateDirect(64);

  private WakePipe(Pipe pipe) {
    this.pipe = pipe;
  }

  /** A pipe registered with {@code selector}; call before the loop's thread selects. */
  static WakePipe open(Selector selector) throws IOException {
    Pipe pipe = Pipe.open();
    WakePipe wake = new WakePipe(pipe);
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

  /** Any thread: makes the selector return (at once if it waits, else from its next select). */
  void wake() {
    try {
      pipe.sink().write(ByteBuffer.allocate(1)); // 0 written: the pipe is full, which wakes the loop all the same
    } catch (IOException e) {
      // Closed: the loop has ended; what was queued is handled by its last drain (Engine.finish).
      Events.LOG.log(Level.DEBUG, "wake-up pipe: {0}", e.toString());
    }
  }

  /** Loop thread: the selector found bytes in the pipe; they are read so that it does not report them again. */
  @Override
  public void ready(SelectionKey key) {
    try {
      do {
        drain.clear();
      } while (pipe.source().read(drain) > 0);
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
}
