package dev.p2ptunnel.bridge.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Datagrams the datagram transport delivered and the loop has not handled yet. Bounded in messages and bytes; a
 * datagram that finds it full is dropped and counted, as a full UDP socket buffer drops, so that a UDP flood can never
 * close the bridge or hold unbounded memory (unlike the {@link InboundQueue}, whose messages may not be lost). The
 * loop polls it every turn. Thread-safe: the transport's thread offers, the loop thread alone polls.
 */
final class DatagramInbox {
  /** Most datagrams waiting. */
  static final int MAX_MESSAGES = 1024;
  /** Most bytes waiting. */
  static final long MAX_BYTES = 2L << 20;

  private final ConcurrentLinkedQueue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger messages = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Runnable wakeup;
  private volatile @Nullable String closed;

  /** @param wakeup called after every accepted datagram, on the offering thread, so that the loop notices */
  DatagramInbox(Runnable wakeup) {
    this.wakeup = wakeup;
  }

  /** A datagram from the transport; dropped (and counted) when the inbox is full. */
  void offer(ByteBuffer message) {
    int length = message.remaining();
    if (messages.incrementAndGet() > MAX_MESSAGES || bytes.addAndGet(length) > MAX_BYTES) {
      messages.decrementAndGet();
      bytes.addAndGet(-length);
      dropped.incrementAndGet();
      return;
    }
    queue.add(message);
    wakeup.run();
  }

  /** The transport closed. */
  void closed(String reason) {
    closed = reason;
    wakeup.run();
  }

  /**
   * Loop thread: a new channel replaced the one whose transport closed (resume extension); the next transport's
   * close counts again.
   */
  void reopen() {
    closed = null;
  }

  /** Loop thread: the next datagram, or null. */
  @Nullable ByteBuffer poll() {
    ByteBuffer message = queue.poll();
    if (message != null) {
      messages.decrementAndGet();
      bytes.addAndGet(-message.remaining());
    }
    return message;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Datagrams dropped since the last call (the loop counts them). */
  long takeDropped() {
    return dropped.getAndSet(0);
  }

  /** Why the transport closed, once it has; null while it is open. */
  @Nullable String closedReason() {
    return closed;
  }
}
