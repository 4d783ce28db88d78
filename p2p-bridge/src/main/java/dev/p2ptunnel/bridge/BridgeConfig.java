package dev.p2ptunnel.bridge;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Reassembler;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ClientBridge} or {@link HostBridge}, built with {@link #builder()}; {@link #defaults()} suits
 * most uses. Immutable and thread-safe.
 *
 * @param extensions whether to announce and use our protocol extensions (flow control, half-close, keepalive);
 *     false behaves exactly like an original peer
 * @param receiveWindowBytes per-socket receive window granted to the peer when flow control is on: bytes the peer
 *     may send ahead of what the local application has read
 * @param maxPendingBytesPerSocket without flow control (original peer): bytes a socket may hold for a local
 *     application that does not keep up, before that socket is closed with an error
 * @param maxPendingBytesTotal bytes all sockets together may hold for local applications that do not keep up;
 *     the socket whose data would pass it is closed with an error
 * @param keepaliveInterval how long the channel may stay silent before a PING is sent (keepalive on)
 * @param keepaliveTimeout how long without any message from the peer before it is declared dead (keepalive on)
 * @param connectTimeout how long the host waits for the service to accept a connection
 * @param reassemblerLimits memory bounds for incomplete multi-frame messages from the peer
 * @param listener events of the bridge, called on its loop thread
 */
public record BridgeConfig(
    boolean extensions,
    int receiveWindowBytes,
    long maxPendingBytesPerSocket,
    long maxPendingBytesTotal,
    Duration keepaliveInterval,
    Duration keepaliveTimeout,
    Duration connectTimeout,
    Reassembler.Limits reassemblerLimits,
    BridgeListener listener) {

  /** Validates the settings. */
  public BridgeConfig {
    Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
    Objects.requireNonNull(keepaliveTimeout, "keepaliveTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(reassemblerLimits, "reassemblerLimits");
    Objects.requireNonNull(listener, "listener");
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
    positive("keepaliveInterval", keepaliveInterval);
    positive("connectTimeout", connectTimeout);
    if (keepaliveTimeout.compareTo(keepaliveInterval) <= 0) {
      throw new IllegalArgumentException("keepaliveTimeout: " + keepaliveTimeout
          + " (expected: > keepaliveInterval " + keepaliveInterval + ")");
    }
  }

  /**
   * Extensions on, 1 MiB windows, 16 MiB per socket without flow control and 256 MiB in all, PING after 5 s, dead
   * after 15 s, 10 s to dial the service.
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

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  /** Builds a {@link BridgeConfig}. Not thread-safe. */
  public static final class Builder {
    private boolean extensions = true;
    private int receiveWindowBytes = 1 << 20;
    private long maxPendingBytesPerSocket = 16L << 20;
    private long maxPendingBytesTotal = 256L << 20;
    private Duration keepaliveInterval = Duration.ofSeconds(5);
    private Duration keepaliveTimeout = Duration.ofSeconds(15);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Reassembler.Limits reassemblerLimits = Reassembler.Limits.defaults();
    private BridgeListener listener = new BridgeListener() {};

    private Builder() {}

    private Builder(BridgeConfig c) {
      extensions = c.extensions;
      receiveWindowBytes = c.receiveWindowBytes;
      maxPendingBytesPerSocket = c.maxPendingBytesPerSocket;
      maxPendingBytesTotal = c.maxPendingBytesTotal;
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

    /** The settings; validated. */
    public BridgeConfig build() {
      return new BridgeConfig(extensions, receiveWindowBytes, maxPendingBytesPerSocket, maxPendingBytesTotal,
          keepaliveInterval,
          keepaliveTimeout, connectTimeout, reassemblerLimits, listener);
    }
  }
}
