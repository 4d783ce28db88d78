package dev.p2ptunnel.bridge;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One end of an in-memory {@link MessageChannel} pair, for tests (ours and users'): reliable and ordered like a
 * DataChannel, with a configurable send queue so that back-pressure can be produced deterministically, and an
 * optional per-message delay. Thread-safe.
 *
 * <p>A message counts against its sender's queue until the receiving listener's {@code onMessage} has returned; past
 * the {@linkplain Config#highWatermarkBytes() high watermark} the sender is not writable, and past the
 * {@linkplain Config#sendQueueLimitBytes() limit} the pair closes, as libwebrtc closes a DataChannel whose queue
 * passes 16 MiB. Each end delivers on its own daemon thread, started by {@link #start}; since that thread is the
 * channel's own, a bridge on it may use {@link BridgeConfig.InboundOverflow#BLOCK}.
 *
 * <p>Each end also opens a {@link DatagramTransport} ({@link #openDatagrams()}) unless {@link #withoutDatagrams()}
 * was called: messages of up to {@value #DATAGRAM_MAX_LENGTH} bytes (as a WebRTC datagram channel), handed to the
 * other end's listener on the sending thread, and lost while the other end has not opened its transport.
 */
public final class InMemoryChannel implements MessageChannel {

  /**
   * How an in-memory pair queues and delays; {@link #defaults()}, or {@link #builder()} to change some. A class rather
   * than a record so that settings can be added without breaking callers. Immutable and thread-safe.
   */
  public static final class Config {
    private static final Config DEFAULTS = new Builder().build();

    private final long highWatermarkBytes;
    private final long lowWatermarkBytes;
    private final long sendQueueLimitBytes;
    private final Duration messageDelay;

    private Config(Builder b) {
      highWatermarkBytes = b.highWatermarkBytes;
      lowWatermarkBytes = b.lowWatermarkBytes;
      sendQueueLimitBytes = b.sendQueueLimitBytes;
      messageDelay = Objects.requireNonNull(b.messageDelay, "messageDelay");
      if (lowWatermarkBytes < 0 || lowWatermarkBytes >= highWatermarkBytes) {
        throw new IllegalArgumentException(
            "lowWatermarkBytes: " + lowWatermarkBytes + " (expected: 0 <= low < high " + highWatermarkBytes + ")");
      }
      if (sendQueueLimitBytes < highWatermarkBytes) {
        throw new IllegalArgumentException("sendQueueLimitBytes: " + sendQueueLimitBytes
            + " (expected: >= highWatermarkBytes " + highWatermarkBytes + ")");
      }
      if (messageDelay.isNegative()) {
        throw new IllegalArgumentException("messageDelay: " + messageDelay + " (expected: >= 0)");
      }
    }

    /** Writable below 4 MiB, again at 1 MiB, closes past 16 MiB, no delay: like our DataChannel adapter. */
    public static Config defaults() {
      return DEFAULTS;
    }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
      return new Builder().watermarks(highWatermarkBytes, lowWatermarkBytes).sendQueueLimitBytes(sendQueueLimitBytes)
          .messageDelay(messageDelay);
    }

    /** Queued bytes at which the sender stops being writable. */
    public long highWatermarkBytes() {
      return highWatermarkBytes;
    }

    /** Queued bytes at or below which it is writable again. */
    public long lowWatermarkBytes() {
      return lowWatermarkBytes;
    }

    /** Queued bytes past which the pair closes. */
    public long sendQueueLimitBytes() {
      return sendQueueLimitBytes;
    }

    /** How long each message takes to arrive (zero: as soon as the receiver takes it). */
    public Duration messageDelay() {
      return messageDelay;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof Config)) {
        return false;
      }
      Config c = (Config) o;
      return highWatermarkBytes == c.highWatermarkBytes && lowWatermarkBytes == c.lowWatermarkBytes
          && sendQueueLimitBytes == c.sendQueueLimitBytes && messageDelay.equals(c.messageDelay);
    }

    @Override
    public int hashCode() {
      return Objects.hash(highWatermarkBytes, lowWatermarkBytes, sendQueueLimitBytes, messageDelay);
    }

    @Override
    public String toString() {
      return "Config[highWatermarkBytes=" + highWatermarkBytes + ", lowWatermarkBytes=" + lowWatermarkBytes
          + ", sendQueueLimitBytes=" + sendQueueLimitBytes + ", messageDelay=" + messageDelay + "]";
    }

    /** Builds a {@link Config}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
      private long highWatermarkBytes = 4 << 20;
      private long lowWatermarkBytes = 1 << 20;
      private long sendQueueLimitBytes = 16 << 20;
      private Duration messageDelay = Duration.ZERO;

      private Builder() {}

      /** Writability watermarks in bytes; default 4 MiB and 1 MiB. */
      public Builder watermarks(long highBytes, long lowBytes) {
        highWatermarkBytes = highBytes;
        lowWatermarkBytes = lowBytes;
        return this;
      }

      /** Queued bytes past which the pair closes; default 16 MiB. */
      public Builder sendQueueLimitBytes(long value) {
        sendQueueLimitBytes = value;
        return this;
      }

      /** How long each message takes to arrive; default zero. */
      public Builder messageDelay(Duration value) {
        messageDelay = Objects.requireNonNull(value, "messageDelay");
        return this;
      }

      /**
       * The configuration.
       *
       * @throws IllegalArgumentException if a value is out of range, naming it, its value and the limit
       */
      public Config build() {
        return new Config(this);
      }
    }
  }

  /** The two ends of a pair. */
  public record Pair(InMemoryChannel first, InMemoryChannel second) {}

  /** Longest message an in-memory channel carries: 256 KiB, the {@code max-message-size} libwebrtc announces. */
  public static final int MAX_MESSAGE_BYTES = 256 * 1024;

  private static final AtomicLong PAIRS = new AtomicLong();
  /** The longest datagram the in-memory datagram transport carries: what a WebRTC datagram channel carries whole. */
  public static final int DATAGRAM_MAX_LENGTH = 1163;

  private final String name;
  private final Config config;
  private final BlockingQueue<Item> inbound = new LinkedBlockingQueue<>();
  /** Bytes this end sent that the other end's listener has not yet taken. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean unwritable = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private @Nullable InMemoryChannel peer;
  private volatile @Nullable Listener listener;
  private volatile boolean datagrams = true;
  private final InMemoryDatagrams datagramEnd;

  private InMemoryChannel(String name, Config config) {
    this.name = name;
    this.config = config;
    this.datagramEnd = new InMemoryDatagrams(name, closed::get);
  }

  /** A connected pair with {@link Config#defaults()}. */
  public static Pair pair() {
    return pair(Config.defaults());
  }

  /** A connected pair; both ends use {@code config}. */
  public static Pair pair(Config config) {
    long n = PAIRS.incrementAndGet();
    InMemoryChannel a = new InMemoryChannel("in-memory-channel-" + n + "a", config);
    InMemoryChannel b = new InMemoryChannel("in-memory-channel-" + n + "b", config);
    a.peer = b;
    b.peer = a;
    InMemoryDatagrams.link(a.datagramEnd, b.datagramEnd);
    return new Pair(a, b);
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("listener already registered on " + name);
    }
    this.listener = listener;
    Thread thread = new Thread(this::deliverLoop, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public boolean send(ByteBuffer message) {
    int length = MessageChannel.checkedLength(message, MAX_MESSAGE_BYTES);
    if (closed.get()) {
      return false;
    }
    ByteBuffer copy = ByteBuffer.allocate(length);
    copy.put(0, message, message.position(), length);
    long queued = queuedBytes.addAndGet(length);
    if (queued > config.sendQueueLimitBytes()) {
      queuedBytes.addAndGet(-length);
      sever("send queue " + queued + " bytes > limit " + config.sendQueueLimitBytes());
      return false;
    }
    if (queued >= config.highWatermarkBytes()) {
      unwritable.set(true);
      // The receiver may have drained everything between the add and the set: then no one would clear the flag.
      if (queuedBytes.get() <= config.lowWatermarkBytes() && unwritable.compareAndSet(true, false)) {
        Listener l = listener;
        if (l != null) {
          l.onWritable();
        }
      }
    }
    long due = config.messageDelay().isZero() ? 0 : System.nanoTime() + config.messageDelay().toNanos();
    peer().inbound.add(new Item(copy, due, null));
    return true;
  }

  /** This end announces no datagram transport (as a transport without one); call before {@link #start}. */
  public InMemoryChannel withoutDatagrams() {
    datagrams = false;
    return this;
  }

  @Override
  public boolean supportsDatagrams() {
    return datagrams;
  }

  @Override
  public CompletionStage<DatagramTransport> openDatagrams() {
    if (!datagrams) {
      return MessageChannel.super.openDatagrams();
    }
    return CompletableFuture.completedFuture(datagramEnd);
  }

  /** {@value #MAX_MESSAGE_BYTES}. */
  @Override
  public int maxMessageLength() {
    return MAX_MESSAGE_BYTES;
  }

  @Override
  public boolean isWritable() {
    return !unwritable.get() && !closed.get();
  }

  @Override
  public long bufferedAmount() {
    return queuedBytes.get();
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  /** Closes both ends in order: each end's listener gets the messages sent before, then {@code onClosed}. */
  @Override
  public void close(String reason) {
    InMemoryChannel peer = peer();
    if (closed.compareAndSet(false, true)) {
      inbound.add(new Item(null, 0, reason));
    }
    if (peer.closed.compareAndSet(false, true)) {
      peer.inbound.add(new Item(null, 0, "peer closed the channel: " + reason));
    }
  }

  /**
   * Breaks the link at once, as when the peer's process dies: messages in flight are lost and both ends report
   * {@code onClosed(reason)} next.
   */
  public void sever(String reason) {
    InMemoryChannel[] ends = {this, peer()};
    for (InMemoryChannel end : ends) {
      end.closed.set(true); // first, so that neither end's close() queues a marker of its own
    }
    for (InMemoryChannel end : ends) {
      end.inbound.clear();
      end.inbound.add(new Item(null, 0, reason));
    }
  }

  private InMemoryChannel peer() {
    return Objects.requireNonNull(peer);
  }

  private void deliverLoop() {
    Listener target = Objects.requireNonNull(listener);
    try {
      while (true) {
        Item item = inbound.take();
        if (item.closeReason != null) {
          target.onClosed(item.closeReason);
          return;
        }
        ByteBuffer message = Objects.requireNonNull(item.message);
        long wait = item.dueNanos == 0 ? 0 : item.dueNanos - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        int length = message.remaining();
        try {
          target.onMessage(message);
        } catch (RuntimeException | Error e) {
          // A listener must not throw; a DataChannel would lose the message too. Make it loud, not silent.
          sever("listener of " + name + " threw " + e);
        }
        peer().taken(length);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The peer's listener took {@code length} bytes this end had sent. */
  private void taken(int length) {
    long queued = queuedBytes.addAndGet(-length);
    if (queued <= config.lowWatermarkBytes() && unwritable.compareAndSet(true, false) && !closed.get()) {
      Listener l = listener;
      if (l != null) {
        l.onWritable();
      }
    }
  }

  private record Item(@Nullable ByteBuffer message, long dueNanos, @Nullable String closeReason) {}

  @Override
  public String toString() {
    return name;
  }
}
