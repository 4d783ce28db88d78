package dev.p2ptunnel.bridge.internal;

import dev.p2ptunnel.bridge.MessageChannel;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One end of an in-memory channel pair that delivers only when the test says so ({@link #deliver}), on the test's
 * thread: the transport of embedded engines. Reliable and ordered; a message counts against its sender until
 * delivered, so that withholding delivery makes the sender unwritable past {@code highWatermark}, and delivering
 * makes it writable again at {@code lowWatermark} (with {@code onWritable}), as a DataChannel does. Not thread-safe.
 */
final class ManualChannel implements MessageChannel {
  /** The two ends. */
  record Pair(ManualChannel first, ManualChannel second) {
    /** Delivers everything queued both ways, until nothing is left; returns how many messages that was. */
    int deliverAll() {
      int total = 0;
      int n;
      do {
        n = first.deliver(Integer.MAX_VALUE) + second.deliver(Integer.MAX_VALUE);
        total += n;
      } while (n > 0);
      return total;
    }
  }

  private final String name;
  private final long highWatermark;
  private final long lowWatermark;
  private final int maxMessage;
  private final ArrayDeque<Object> inbox = new ArrayDeque<>();
  private @Nullable ManualChannel peer;
  private @Nullable Listener listener;
  private long queuedBytes;
  private boolean unwritable;
  private boolean closed;
  private boolean closeDelivered;
  long sentMessages;

  private ManualChannel(String name, long highWatermark, long lowWatermark, int maxMessage) {
    this.name = name;
    this.highWatermark = highWatermark;
    this.lowWatermark = lowWatermark;
    this.maxMessage = maxMessage;
  }

  /** A pair writable below 4 MiB queued, again at 1 MiB, like our DataChannel adapter. */
  static Pair pair() {
    return pair(4 << 20, 1 << 20);
  }

  static Pair pair(long highWatermark, long lowWatermark) {
    return pair(highWatermark, lowWatermark, MAX_MESSAGE_LENGTH);
  }

  /** A pair whose ends take messages of up to {@code maxMessage} bytes (coalesced ones above 64 KiB). */
  static Pair pair(long highWatermark, long lowWatermark, int maxMessage) {
    ManualChannel a = new ManualChannel("manual-a", highWatermark, lowWatermark, maxMessage);
    ManualChannel b = new ManualChannel("manual-b", highWatermark, lowWatermark, maxMessage);
    a.peer = b;
    b.peer = a;
    return new Pair(a, b);
  }

  @Override
  public void start(Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("listener already registered on " + name);
    }
    this.listener = Objects.requireNonNull(listener);
  }

  @Override
  public boolean send(ByteBuffer message) {
    int length = MessageChannel.checkedLength(message, maxMessage);
    if (closed) {
      return false;
    }
    ByteBuffer copy = ByteBuffer.allocate(length);
    copy.put(0, message, message.position(), length);
    queuedBytes += length;
    sentMessages++;
    if (queuedBytes >= highWatermark) {
      unwritable = true;
    }
    peer().inbox.add(copy);
    return true;
  }

  @Override
  public int maxMessageLength() {
    return maxMessage;
  }

  @Override
  public boolean isWritable() {
    return !unwritable && !closed;
  }

  @Override
  public long bufferedAmount() {
    return queuedBytes;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /** Closes both ends; each listener hears of it after the messages sent before. */
  @Override
  public void close(String reason) {
    if (!closed) {
      closed = true;
      inbox.add(new Closed(reason));
    }
    ManualChannel other = peer();
    if (!other.closed) {
      other.closed = true;
      other.inbox.add(new Closed("peer closed the channel: " + reason));
    }
  }

  /** The link breaks, as when the peer's process dies: messages in flight are lost. */
  void sever(String reason) {
    for (ManualChannel end : new ManualChannel[] {this, peer()}) {
      end.closed = true;
      end.inbox.clear();
      end.inbox.add(new Closed(reason));
    }
  }

  /** Messages waiting to be delivered to this end. */
  int waiting() {
    return inbox.size();
  }

  /**
   * Hands up to {@code max} messages that reached this end to its listener, on this thread.
   *
   * @return how many
   */
  int deliver(int max) {
    Listener target = listener;
    int delivered = 0;
    while (target != null && delivered < max && !inbox.isEmpty() && !closeDelivered) {
      Object item = inbox.poll();
      delivered++;
      if (item instanceof Closed) {
        closeDelivered = true;
        target.onClosed(((Closed) item).reason);
        break;
      }
      ByteBuffer message = (ByteBuffer) item;
      int length = message.remaining();
      target.onMessage(message);
      peer().taken(length);
    }
    return delivered;
  }

  private void taken(int length) {
    queuedBytes -= length;
    if (unwritable && queuedBytes <= lowWatermark && !closed) {
      unwritable = false;
      Listener l = listener;
      if (l != null) {
        l.onWritable();
      }
    }
  }

  private ManualChannel peer() {
    return Objects.requireNonNull(peer);
  }

  private record Closed(String reason) {}

  @Override
  public String toString() {
    return name;
  }
}
