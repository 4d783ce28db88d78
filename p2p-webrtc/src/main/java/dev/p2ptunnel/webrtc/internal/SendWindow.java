package dev.p2ptunnel.webrtc.internal;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * libwebrtc's send queue of one DataChannel as the sender sees it, kept without ever making the sender wait for a
 * query of it. Thread-safe: {@link #send} runs on the sender's thread (the bridge loop), {@link #refresh} and the polls
 * on the session thread.
 *
 * <p>Both native calls are blocking hops to libwebrtc's network thread, which during a download is busy sending it
 * (a {@code getBufferedAmount()} took ~207 µs p50 there, docs/PERFORMANCE.md). The queue size is therefore an upper
 * bound kept by the window itself: the last size libwebrtc reported plus every byte handed to it since (webrtc-java
 * 0.14.0 never reports a decrease: its native observer does not forward {@code OnBufferedAmountChange}). A send never
 * queries: when the bound reaches the high watermark the channel stops being writable at once and the session thread
 * asks libwebrtc; below the high watermark it is writable again right away, else the session thread polls every
 * {@link #POLL_INTERVAL_NS} until the queue is at or below the low watermark. Sends made while a query runs count in
 * full on top of its answer (they may or may not be in it), so the bound stays an upper bound. The watermarks follow
 * the drain rate ({@link QueueTarget}).
 *
 * <p>The one query left on the sender's thread is the cold path of the hard limit: a send that would take the bound
 * past {@code sendLimit} asks libwebrtc first, and closes the session if the real queue would pass it too (a sender
 * that ignored {@code isWritable()}), so that libwebrtc's silent close at 16 MiB cannot happen.
 *
 * <p>Lock: {@code lock} guards the state below and is held during a native send (so that {@link #close} waits for a
 * send in progress, and nothing reaches the native channel after it). It is never held during a query on the session
 * thread: the session thread itself is what disposes the native channel, after {@link #close}.
 */
final class SendWindow {
  /** While not writable, libwebrtc's queue is asked this often. */
  static final long POLL_INTERVAL_NS = 1_000_000;

  /** The native channel; both calls are blocking hops to libwebrtc's network thread. */
  interface Native {
    /** Queues one message, the whole of {@code exact} (webrtc-java 0.14.0 ignores position and limit). */
    void send(ByteBuffer exact) throws Exception;

    /** libwebrtc's send queue now, in bytes. */
    long bufferedAmount();
  }

  /** The session the window works for. */
  interface Owner {
    /** Runs {@code task} on the session thread soon; false if the session is gone (the task never runs). */
    boolean execute(Runnable task);

    /** Runs {@code task} on the session thread after {@code delayNs}, unless the session is gone. */
    void schedule(Runnable task, long delayNs);

    /** Session thread: the window was not writable and now is. */
    void writable();

    /** Any thread, no lock held: the channel cannot go on ({@code reason} says why); the session closes. */
    void fail(String reason);
  }

  private final Native channel;
  private final Owner owner;
  private final QueueTarget target; // guarded by lock
  private final long sendLimit;
  private final LongSupplier clock;

  private final Object lock = new Object();
  private volatile long estimate; // written under lock: libwebrtc's queue, an upper bound
  private volatile boolean unwritable; // written under lock
  private boolean closed; // guarded by lock
  private long sentTotal; // guarded by lock: bytes handed to libwebrtc
  private boolean asking; // guarded by lock: a refresh or a poll is scheduled or running
  private long queries; // guarded by lock: for tests and measurements

  SendWindow(Native channel, Owner owner, long highWatermark, long lowWatermark, long sendLimit,
      LongSupplier clock) {
    this.channel = channel;
    this.owner = owner;
    this.target = new QueueTarget(highWatermark, lowWatermark);
    this.sendLimit = sendLimit;
    this.clock = clock;
  }

  /**
   * Hands {@code exact} ({@code length} bytes) to libwebrtc: the only blocking part is the native send itself.
   *
   * @return false if the window is closed or the message would pass the hard limit (then {@link Owner#fail} was told)
   */
  boolean send(ByteBuffer exact, int length) {
    String failure = null;
    boolean ask = false;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      try {
        long projected = estimate + length;
        if (projected > sendLimit) {
          queries++;
          projected = channel.bufferedAmount() + length; // cold: a sender that ignored isWritable()
        }
        if (projected > sendLimit) {
          failure = "send queue limit: " + projected + " bytes would be queued > limit " + sendLimit
              + " (the sender ignored isWritable())";
        } else {
          channel.send(exact);
          estimate = projected;
          sentTotal += length;
          target.sent(length);
          if (projected >= target.high() && !unwritable) {
            unwritable = true;
            ask = !asking;
            asking = true;
          }
        }
      } catch (Exception e) {
        failure = "send failed: " + e;
      }
    }
    if (failure != null) {
      owner.fail(failure);
      return false;
    }
    if (ask && !owner.execute(this::refresh)) {
      synchronized (lock) {
        asking = false;
      }
    }
    return true;
  }

  /**
   * Session thread, right after a send reached the high watermark: below it the window is writable again at once;
   * at or above it, the polls start.
   */
  void refresh() {
    long actual = query();
    if (actual < 0) {
      return;
    }
    boolean writable;
    synchronized (lock) {
      if (closed) {
        return;
      }
      writable = actual < target.high();
      if (writable) {
        unwritable = false;
        asking = false;
      } else {
        target.sample(actual, clock.getAsLong());
      }
    }
    if (writable) {
      owner.writable();
    } else {
      owner.schedule(this::poll, POLL_INTERVAL_NS);
    }
  }

  /** Session thread, while not writable: writable again once the queue is at or below the low watermark. */
  void poll() {
    long actual = query();
    if (actual < 0) {
      return;
    }
    boolean writable;
    synchronized (lock) {
      if (closed) {
        return;
      }
      target.sample(actual, clock.getAsLong());
      writable = actual <= target.low();
      if (writable) {
        unwritable = false;
        asking = false;
        target.resume();
      }
    }
    if (writable) {
      owner.writable();
    } else {
      owner.schedule(this::poll, POLL_INTERVAL_NS);
    }
  }

  /**
   * Session thread: asks libwebrtc without holding the lock (sends go on meanwhile) and makes the estimate its answer
   * plus what was sent while asking. -1 when closed.
   */
  private long query() {
    long before;
    synchronized (lock) {
      if (closed) {
        asking = false;
        return -1;
      }
      before = sentTotal;
      queries++;
    }
    long actual = channel.bufferedAmount(); // not closed: only this thread disposes the channel, after close()
    synchronized (lock) {
      if (closed) {
        return -1;
      }
      long since = sentTotal - before;
      estimate = actual + since;
      return estimate;
    }
  }

  /** Whether the queue is below the high watermark (as far as the window knows). */
  boolean writable() {
    return !unwritable;
  }

  /** libwebrtc's queue: its last answer plus what was sent since (an upper bound). */
  long estimate() {
    return estimate;
  }

  /** Queries of libwebrtc's queue so far, on any thread. */
  long queries() {
    synchronized (lock) {
      return queries;
    }
  }

  /** From now on nothing reaches the native channel; waits for a send in progress. Idempotent. */
  void close() {
    synchronized (lock) {
      closed = true;
    }
  }
}
