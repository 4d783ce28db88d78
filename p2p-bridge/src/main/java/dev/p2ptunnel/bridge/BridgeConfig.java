package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Reassembler;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link ClientBridge} or {@link HostBridge}, built with {@link #builder()}; {@link #defaults()} suits
 * most uses. A class rather than a record so that settings can be added without breaking callers. Immutable and
 * thread-safe.
 */
public final class BridgeConfig {

  /**
   * What a bridge does when its inbound queue (messages the channel delivered and the loop has not handled yet) would
   * pass {@link #maxInboundQueueBytes()}. Each bridge has its own queue, so on a host serving several clients the
   * policy applies to each client on its own. Immutable and thread-safe.
   */
  public enum InboundOverflow {
    /**
     * Close the bridge (every socket of this client) with the reason, counted as {@link ErrorKind#INBOUND_OVERFLOW}.
     * The channel's callback never waits. The default, and the only safe choice for a WebRTC DataChannel, whose
     * callbacks run on libwebrtc's signaling thread.
     */
    CLOSE,
    /**
     * Make the channel's delivery thread wait in {@code onMessage} until the loop has caught up, so that the
     * transport's own back-pressure slows the peer down. Only for channels whose delivery thread is their own and may
     * wait, such as {@link InMemoryChannel} or a channel over a TCP connection.
     */
    BLOCK
  }

  /**
   * Bytes the inbound queue charges for each message on top of its length: what the queue's bookkeeping costs, so that
   * a flood of tiny messages is bounded too.
   */
  public static final int INBOUND_MESSAGE_OVERHEAD = 128;
  /** Smallest {@link #maxInboundQueueBytes()}: one largest message and its overhead. */
  public static final long MIN_INBOUND_QUEUE_BYTES = MessageChannel.MAX_MESSAGE_LENGTH + INBOUND_MESSAGE_OVERHEAD;

  /** Largest {@link #maxCoalescedBytes()}. */
  public static final int MAX_COALESCED_BYTES = 16 << 20;

  private final boolean extensions;
  private final int maxCoalescedBytes;
  private final int receiveWindowBytes;
  private final long maxPendingBytesPerSocket;
  private final long maxPendingBytesTotal;
  private final long maxInboundQueueBytes;
  private final InboundOverflow inboundOverflow;
  private final Duration keepaliveInterval;
  private final Duration keepaliveTimeout;
  private final Duration connectTimeout;
  private final Reassembler.Limits reassemblerLimits;
  private final BridgeListener listener;

  private BridgeConfig(Builder b) {
    extensions = b.extensions;
    maxCoalescedBytes = b.maxCoalescedBytes;
    receiveWindowBytes = b.receiveWindowBytes;
    maxPendingBytesPerSocket = b.maxPendingBytesPerSocket;
    maxPendingBytesTotal = b.maxPendingBytesTotal;
    maxInboundQueueBytes = b.maxInboundQueueBytes;
    inboundOverflow = Objects.requireNonNull(b.inboundOverflow, "inboundOverflow");
    keepaliveInterval = Objects.requireNonNull(b.keepaliveInterval, "keepaliveInterval");
    keepaliveTimeout = Objects.requireNonNull(b.keepaliveTimeout, "keepaliveTimeout");
    connectTimeout = Objects.requireNonNull(b.connectTimeout, "connectTimeout");
    reassemblerLimits = Objects.requireNonNull(b.reassemblerLimits, "reassemblerLimits");
    listener = Objects.requireNonNull(b.listener, "listener");
    if (maxCoalescedBytes != 0
        && (maxCoalescedBytes < MessageChannel.MAX_MESSAGE_LENGTH || maxCoalescedBytes > MAX_COALESCED_BYTES)) {
      throw new IllegalArgumentException("maxCoalescedBytes: " + maxCoalescedBytes + " (expected: 0 for one frame "
          + "per message, or " + MessageChannel.MAX_MESSAGE_LENGTH + ".." + MAX_COALESCED_BYTES + ")");
    }
    if (receiveWindowBytes < Extensions.INITIAL_WINDOW) {
      throw new IllegalArgumentException("receiveWindowBytes: " + receiveWindowBytes
          + " (expected: >= " + Extensions.INITIAL_WINDOW + ")");
    }
    if (maxPendingBytesPerSocket < MessageChannel.MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException("maxPendingBytesPerSocket: " + maxPendingBytesPerSocket
          + " (expected: >= " + MessageChannel.MAX_MESSAGE_LENGTH + ")");
    }
    if (maxPendingBytesTotal < maxPendingBytesPerSocket) {
      throw new IllegalArgumentException("maxPendingBytesTotal: " + maxPendingBytesTotal
          + " (expected: >= maxPendingBytesPerSocket " + maxPendingBytesPerSocket + ")");
    }
    if (maxInboundQueueBytes < MIN_INBOUND_QUEUE_BYTES) {
      throw new IllegalArgumentException("maxInboundQueueBytes: " + maxInboundQueueBytes
          + " (expected: >= " + MIN_INBOUND_QUEUE_BYTES + ", one largest message and its bookkeeping)");
    }
    positive("keepaliveInterval", keepaliveInterval);
    positive("connectTimeout", connectTimeout);
    if (keepaliveTimeout.compareTo(keepaliveInterval) <= 0) {
      throw new IllegalArgumentException("keepaliveTimeout: " + keepaliveTimeout
          + " (expected: > keepaliveInterval " + keepaliveInterval + ")");
    }
  }

  /**
   * Extensions on, coalesced messages up to 64 KiB, 1 MiB windows, 16 MiB per socket without flow control and 256 MiB in all, a 64 MiB inbound queue
   * that closes the bridge when it overflows, PING after 5 s, dead after 15 s, 10 s to dial the service.
   */
  public static BridgeConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Whether to announce and use our protocol extensions (flow control, half-close, keepalive, coalescing); false
   * behaves exactly like an original peer.
   */
  public boolean extensions() {
    return extensions;
  }

  /**
   * Longest coalesced message this bridge sends when the peer accepts coalescing (docs/PROTOCOL.md, "Coalescing"):
   * the frames ready in one turn of the loop go out together, up to this many bytes per message, and never more than
   * the channel carries ({@link MessageChannel#maxMessageLength()}). 0 sends one frame per message. Received coalesced
   * messages are split whatever this says.
   */
  public int maxCoalescedBytes() {
    return maxCoalescedBytes;
  }

  /**
   * Per-socket receive window granted to the peer when flow control is on: bytes the peer may send ahead of what the
   * local application has read.
   */
  public int receiveWindowBytes() {
    return receiveWindowBytes;
  }

  /**
   * Without flow control (original peer): bytes a socket may hold for a local application that does not keep up,
   * before that socket is closed with an error.
   */
  public long maxPendingBytesPerSocket() {
    return maxPendingBytesPerSocket;
  }

  /**
   * Bytes all sockets together may hold for local applications that do not keep up; the socket whose data would pass
   * it is closed with an error.
   */
  public long maxPendingBytesTotal() {
    return maxPendingBytesTotal;
  }

  /**
   * Bytes of received messages the bridge may hold before its loop has handled them, each message charged its length
   * plus {@value #INBOUND_MESSAGE_OVERHEAD}; what happens beyond is {@link #inboundOverflow()}.
   */
  public long maxInboundQueueBytes() {
    return maxInboundQueueBytes;
  }

  /** What happens when the inbound queue would pass {@link #maxInboundQueueBytes()}. */
  public InboundOverflow inboundOverflow() {
    return inboundOverflow;
  }

  /** How long the channel may stay silent before a PING is sent (keepalive on). */
  public Duration keepaliveInterval() {
    return keepaliveInterval;
  }

  /** How long without any message from the peer before it is declared dead (keepalive on). */
  public Duration keepaliveTimeout() {
    return keepaliveTimeout;
  }

  /** How long the host waits for the service to accept a connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Memory bounds for incomplete multi-frame messages from the peer. */
  public Reassembler.Limits reassemblerLimits() {
    return reassemblerLimits;
  }

  /** Events of the bridge, called on its loop thread. */
  public BridgeListener listener() {
    return listener;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof BridgeConfig)) {
      return false;
    }
    BridgeConfig c = (BridgeConfig) o;
    return extensions == c.extensions && maxCoalescedBytes == c.maxCoalescedBytes
        && receiveWindowBytes == c.receiveWindowBytes
        && maxPendingBytesPerSocket == c.maxPendingBytesPerSocket && maxPendingBytesTotal == c.maxPendingBytesTotal
        && maxInboundQueueBytes == c.maxInboundQueueBytes && inboundOverflow == c.inboundOverflow
        && keepaliveInterval.equals(c.keepaliveInterval) && keepaliveTimeout.equals(c.keepaliveTimeout)
        && connectTimeout.equals(c.connectTimeout) && reassemblerLimits.equals(c.reassemblerLimits)
        && listener.equals(c.listener);
  }

  @Override
  public int hashCode() {
    return Objects.hash(extensions, maxCoalescedBytes, receiveWindowBytes, maxPendingBytesPerSocket, maxPendingBytesTotal,
        maxInboundQueueBytes, inboundOverflow, keepaliveInterval, keepaliveTimeout, connectTimeout,
        reassemblerLimits, listener);
  }

  @Override
  public String toString() {
    return "BridgeConfig[extensions=" + extensions + ", maxCoalescedBytes=" + maxCoalescedBytes
        + ", receiveWindowBytes=" + receiveWindowBytes
        + ", maxPendingBytesPerSocket=" + maxPendingBytesPerSocket + ", maxPendingBytesTotal=" + maxPendingBytesTotal
        + ", maxInboundQueueBytes=" + maxInboundQueueBytes + ", inboundOverflow=" + inboundOverflow
        + ", keepaliveInterval=" + keepaliveInterval + ", keepaliveTimeout=" + keepaliveTimeout
        + ", connectTimeout=" + connectTimeout + ", reassemblerLimits=" + reassemblerLimits + "]";
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  /** Builds a {@link BridgeConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private boolean extensions = true;
    private int maxCoalescedBytes = MessageChannel.MAX_MESSAGE_LENGTH;
    private int receiveWindowBytes = 1 << 20;
    private long maxPendingBytesPerSocket = 16L << 20;
    private long maxPendingBytesTotal = 256L << 20;
    private long maxInboundQueueBytes = 64L << 20;
    private InboundOverflow inboundOverflow = InboundOverflow.CLOSE;
    private Duration keepaliveInterval = Duration.ofSeconds(5);
    private Duration keepaliveTimeout = Duration.ofSeconds(15);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Reassembler.Limits reassemblerLimits = Reassembler.Limits.defaults();
    private BridgeListener listener = new BridgeListener() {};

    private Builder() {}

    private Builder(BridgeConfig c) {
      extensions = c.extensions;
      maxCoalescedBytes = c.maxCoalescedBytes;
      receiveWindowBytes = c.receiveWindowBytes;
      maxPendingBytesPerSocket = c.maxPendingBytesPerSocket;
      maxPendingBytesTotal = c.maxPendingBytesTotal;
      maxInboundQueueBytes = c.maxInboundQueueBytes;
      inboundOverflow = c.inboundOverflow;
      keepaliveInterval = c.keepaliveInterval;
      keepaliveTimeout = c.keepaliveTimeout;
      connectTimeout = c.connectTimeout;
      reassemblerLimits = c.reassemblerLimits;
      listener = c.listener;
    }

    /** See {@link BridgeConfig#extensions()}. */
    public Builder extensions(boolean value) {
      extensions = value;
      return this;
    }

    /** See {@link BridgeConfig#maxCoalescedBytes()}. */
    public Builder maxCoalescedBytes(int value) {
      maxCoalescedBytes = value;
      return this;
    }

    /** See {@link BridgeConfig#receiveWindowBytes()}. */
    public Builder receiveWindowBytes(int value) {
      receiveWindowBytes = value;
      return this;
    }

    /** See {@link BridgeConfig#maxPendingBytesPerSocket()}. */
    public Builder maxPendingBytesPerSocket(long value) {
      maxPendingBytesPerSocket = value;
      return this;
    }

    /** See {@link BridgeConfig#maxPendingBytesTotal()}. */
    public Builder maxPendingBytesTotal(long value) {
      maxPendingBytesTotal = value;
      return this;
    }

    /** See {@link BridgeConfig#maxInboundQueueBytes()} and {@link BridgeConfig#inboundOverflow()}. */
    public Builder inboundQueue(long maxBytes, InboundOverflow policy) {
      maxInboundQueueBytes = maxBytes;
      inboundOverflow = policy;
      return this;
    }

    /** See {@link BridgeConfig#keepaliveInterval()} and {@link BridgeConfig#keepaliveTimeout()}. */
    public Builder keepalive(Duration interval, Duration timeout) {
      keepaliveInterval = interval;
      keepaliveTimeout = timeout;
      return this;
    }

    /** See {@link BridgeConfig#connectTimeout()}. */
    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    /** See {@link BridgeConfig#reassemblerLimits()}. */
    public Builder reassemblerLimits(Reassembler.Limits value) {
      reassemblerLimits = value;
      return this;
    }

    /** See {@link BridgeConfig#listener()}. */
    public Builder listener(BridgeListener value) {
      listener = value;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the setting, its value and the bound it breaks
     * @throws NullPointerException naming a setting left null
     */
    public BridgeConfig build() {
      return new BridgeConfig(this);
    }
  }
}
