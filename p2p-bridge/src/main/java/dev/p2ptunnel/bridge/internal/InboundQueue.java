package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.BridgeConfig;
import dev.p2ptunnel.bridge.BridgeConfig.InboundOverflow;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The loop's inbox: commands from the channel's threads and from API callers, in order, with received messages
 * bounded. Each message is charged its length plus {@value BridgeConfig#INBOUND_MESSAGE_OVERHEAD} bytes, and counted;
 * a message that would take the charge or the count past its limit (unless the queue is empty: one message always
 * fits) meets the
 * {@link InboundOverflow} policy: {@code CLOSE} drops it and every later one and reports the {@link #overflow()} that
 * closes the bridge; {@code BLOCK} makes the delivering thread wait until the loop has made room. Control commands
 * (writability, close, stats) are never refused.
 *
 * <p>Thread-safe: any thread offers; the loop thread alone polls. The wait of {@code BLOCK} is the only lock, taken
 * only while a producer waits.
 */
final class InboundQueue {
  private final ConcurrentLinkedQueue<Command> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong chargedBytes = new AtomicLong();
  private final AtomicInteger messages = new AtomicInteger();
  private final long maxBytes;
  private final int maxMessages;
  private final InboundOverflow policy;
  private final Runnable wakeup;
  private volatile boolean closed;
  private volatile @Nullable String overflow;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * @param wakeup called after every offer, on the offering thread, so that the loop notices (e.g. wakes its selector)
   */
  InboundQueue(long maxBytes, int maxMessages, InboundOverflow policy, Runnable wakeup) {
    this.maxBytes = maxBytes;
    this.maxMessages = maxMessages;
    this.policy = policy;
    this.wakeup = wakeup;
  }

  /**
   * A message from the peer on channel number {@code channel} (the channel's delivery thread). May wait under
   * {@code BLOCK}; see the class comment.
   */
  void message(ByteBuffer message, int channel) {
    long cost = cost(message);
    while (true) {
      if (closed || overflow != null) {
        return; // the bridge is closing: nothing more is handled
      }
      long queued = chargedBytes.get();
      int count = messages.get();
      if (queued != 0 && (queued + cost > maxBytes || count >= maxMessages)) {
        if (policy == InboundOverflow.CLOSE) {
          overflow = queued + cost > maxBytes
              ? "inbound queue " + (queued + cost) + " bytes > max " + maxBytes
                  + ": the peer sends faster than the bridge handles its messages"
              : "inbound queue " + (count + 1) + " messages > max " + maxMessages
                  + ": the peer sends faster than the bridge handles its messages";
          wakeup.run();
          return;
        }
        awaitRoom(cost);
        continue;
      }
      if (chargedBytes.compareAndSet(queued, queued + cost)) {
        messages.incrementAndGet();
        break;
      }
    }
    queue.add(new Command.Received(message, channel));
    wakeup.run();
  }

  /** A command other than a message: always queued. */
  void control(Command command) {
    queue.add(command);
    wakeup.run();
  }

  /** Loop thread: the next command, or null. */
  @Nullable Command poll() {
    Command command = queue.poll();
    if (command instanceof Command.Received) {
      messages.decrementAndGet();
      chargedBytes.addAndGet(-cost(((Command.Received) command).message()));
      if (waiting.get() > 0) {
        signalRoom();
      }
    }
    return command;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Under {@code CLOSE}: why the queue overflowed, once it has; the bridge then closes. */
  @Nullable String overflow() {
    return overflow;
  }

  /** Bytes charged for the messages queued now. */
  long queuedBytes() {
    return chargedBytes.get();
  }

  /** The loop ended: later messages are dropped and a waiting producer returns. */
  void close() {
    closed = true;
    signalRoom();
  }

  private static long cost(ByteBuffer message) {
    return (long) message.remaining() + BridgeConfig.INBOUND_MESSAGE_OVERHEAD;
  }

  private void awaitRoom(long cost) {
    lock.lock();
    waiting.incrementAndGet();
    try {
      // Re-checked under the lock: the loop signals under it after every poll while someone waits.
      while (!closed && chargedBytes.get() != 0
          && (chargedBytes.get() + cost > maxBytes || messages.get() >= maxMessages)) {
        room.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      overflow = "interrupted while waiting for room in the inbound queue (" + maxBytes + " bytes)";
      wakeup.run();
    } finally {
      waiting.decrementAndGet();
      lock.unlock();
    }
  }

  private void signalRoom() {
    lock.lock();
    try {
      room.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
