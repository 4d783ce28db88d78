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
    /** Delivers everything queued both ways (datagrams too), until nothing is left; returns how many that was. */
    int deliverAll() {
      int total = 0;
      int n;
      do {
        n = first.deliver(Integer.MAX_VALUE) + second.deliver(Integer.MAX_VALUE)
            + first.datagrams.deliver() + second.datagrams.deliver();
        total += n;
      } while (n > 0);
      return total;
    }

    /** The transport below both ends confirms the peer now, or no longer does ({@link ManualChannel#path}). */
    void path(boolean confirmed) {
      first.path(confirmed);
      second.path(confirmed);
    }

    /** Both ends can open a datagram transport (off by default, so that other tests see the features they expect). */
    Pair withDatagrams() {
      first.datagramsSupported = true;
      second.datagramsSupported = true;
      return this;
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
  /** Whether {@link #openDatagrams()} works. */
  boolean datagramsSupported;
  /** This end's datagram transport; its messages wait for {@link Pair#deliverAll()} too. */
  final ManualDatagrams datagrams = new ManualDatagrams();

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
  public boolean supportsDatagrams() {
    return datagramsSupported;
  }

  @Override
  public java.util.concurrent.CompletionStage<dev.p2ptunnel.bridge.DatagramTransport> openDatagrams() {
    datagrams.opened = true;
    return java.util.concurrent.CompletableFuture.completedFuture(datagrams);
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

  /**
   * The transport below this end confirms the peer now, or no longer does (what a DataChannel says when its
   * connection becomes CONNECTED or leaves it); told to the listener at once, on this thread.
   */
  void path(boolean confirmed) {
    Listener target = listener;
    if (target != null && !closeDelivered) {
      target.onPathChanged(confirmed);
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

  /** Messages of {@code event} waiting to be delivered to this end. */
  long waiting(int event) {
    return inbox.stream().filter(item -> item instanceof ByteBuffer message
        && dev.p2ptunnel.protocol.Frame.event(message) == event).count();
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

  /**
   * A datagram transport delivered by the test: a message sent waits in the peer's inbox until
   * {@link Pair#deliverAll()}, and is lost if the peer never opened its transport or {@link #lose} says so.
   */
  final class ManualDatagrams implements dev.p2ptunnel.bridge.DatagramTransport {
    static final int MAX_LENGTH = 1163;
    private final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
    private dev.p2ptunnel.bridge.DatagramTransport.@Nullable Listener receiver;
    boolean opened;
    /** Datagrams sent from this end are dropped while true (loss). */
    boolean lose;
    int sent;

    @Override
    public int maxMessageLength() {
      return MAX_LENGTH;
    }

    @Override
    public void start(dev.p2ptunnel.bridge.DatagramTransport.Listener listener) {
      receiver = listener;
    }

    @Override
    public boolean send(ByteBuffer message) {
      if (message.remaining() > MAX_LENGTH || closed) {
        return false;
      }
      sent++;
      if (!lose) {
        ByteBuffer copy = ByteBuffer.allocate(message.remaining());
        copy.put(0, message, message.position(), message.remaining());
        peer().datagrams.inbox.add(copy);
      }
      return true;
    }

    @Override
    public void close(String reason) {
      opened = false;
    }

    int deliver() {
      int n = 0;
      for (ByteBuffer message; (message = inbox.poll()) != null; n++) {
        if (receiver != null && opened) {
          receiver.onMessage(message);
        }
      }
      return n;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
