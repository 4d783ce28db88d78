package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns received frames back into messages, with bounded memory.
 *
 * <p>Frames are keyed by (socket_id, chunk_id). A single-frame message (the common case) is handed to the
 * {@link Handler} in place, without a copy or an allocation. The frames of a multi-frame message are copied into a
 * pooled buffer in {@code chunk_index} order (chunks that arrive early wait, copied, until the gap is filled) and
 * the whole message is handed over once its last chunk arrives.
 *
 * <p>Everything a peer can get wrong is reported to {@link Handler#onError} for the one socket concerned, which
 * loses its partial messages; other sockets are untouched: malformed headers ({@link Frame#validate}), a duplicate
 * {@code chunk_index}, a {@code total_chunks} or event that changes within a message, frames for a socket the peer
 * has closed (until a CONNECT reopens it), and any frame that would exceed the {@link Limits}. Memory held for
 * partial messages — buffer capacity, not just bytes received — never exceeds those limits, plus a small pool of
 * reusable buffers ({@value #POOL_MAX_BYTES} bytes at most).
 *
 * <p>Frames with an event outside the original protocol ({@link Frame#isSeedEvent}) are not reassembled: each
 * goes to {@link Handler#onExtensionFrame} on its own: our {@link Extensions} are single frames.
 *
 * <p>Not thread-safe: one thread (the bridge's loop) owns a reassembler and calls its handler. The handler may call
 * {@link #release} from within a callback.
 */
public final class Reassembler {
  /** Bytes charged for each chunk that waits out of order, on top of its payload: its bookkeeping. */
  static final int OUT_OF_ORDER_OVERHEAD = 128;
  /** Most buffers kept for reuse. */
  static final int POOL_MAX_BUFFERS = 8;
  /** Most bytes of capacity kept for reuse. */
  static final int POOL_MAX_BYTES = 16 << 20;

  /**
   * Bounds on what partial messages may hold; {@link #defaults()}, or {@link #builder()} to change some. A class
   * rather than a record so that bounds can be added without breaking callers. Immutable and thread-safe.
   */
  public static final class Limits {
    private static final Limits DEFAULTS = new Builder().build();

    private final int maxPartialMessagesPerSocket;
    private final int maxPartialMessagesTotal;
    private final long maxBufferedBytesPerSocket;
    private final long maxBufferedBytesTotal;

    private Limits(Builder b) {
      maxPartialMessagesPerSocket = (int) positive("maxPartialMessagesPerSocket", b.maxPartialMessagesPerSocket);
      maxPartialMessagesTotal = (int) positive("maxPartialMessagesTotal", b.maxPartialMessagesTotal);
      maxBufferedBytesPerSocket = positive("maxBufferedBytesPerSocket", b.maxBufferedBytesPerSocket);
      maxBufferedBytesTotal = positive("maxBufferedBytesTotal", b.maxBufferedBytesTotal);
    }

    /** 16 partial messages and 16 MiB per socket, 1 024 partial messages and 64 MiB in all. */
    public static Limits defaults() {
      return DEFAULTS;
    }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding these limits. */
    public Builder toBuilder() {
      return new Builder().maxPartialMessages(maxPartialMessagesPerSocket, maxPartialMessagesTotal)
          .maxBufferedBytes(maxBufferedBytesPerSocket, maxBufferedBytesTotal);
    }

    /** Most incomplete multi-frame messages of one socket at a time. */
    public int maxPartialMessagesPerSocket() {
      return maxPartialMessagesPerSocket;
    }

    /** Most incomplete multi-frame messages over all sockets. */
    public int maxPartialMessagesTotal() {
      return maxPartialMessagesTotal;
    }

    /** Most bytes one socket's incomplete messages may hold. */
    public long maxBufferedBytesPerSocket() {
      return maxBufferedBytesPerSocket;
    }

    /** Most bytes all incomplete messages may hold. */
    public long maxBufferedBytesTotal() {
      return maxBufferedBytesTotal;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof Limits)) {
        return false;
      }
      Limits l = (Limits) o;
      return maxPartialMessagesPerSocket == l.maxPartialMessagesPerSocket
          && maxPartialMessagesTotal == l.maxPartialMessagesTotal
          && maxBufferedBytesPerSocket == l.maxBufferedBytesPerSocket
          && maxBufferedBytesTotal == l.maxBufferedBytesTotal;
    }

    @Override
    public int hashCode() {
      return Objects.hash(maxPartialMessagesPerSocket, maxPartialMessagesTotal, maxBufferedBytesPerSocket,
          maxBufferedBytesTotal);
    }

    @Override
    public String toString() {
      return "Limits[maxPartialMessagesPerSocket=" + maxPartialMessagesPerSocket + ", maxPartialMessagesTotal="
          + maxPartialMessagesTotal + ", maxBufferedBytesPerSocket=" + maxBufferedBytesPerSocket
          + ", maxBufferedBytesTotal=" + maxBufferedBytesTotal + "]";
    }

    private static long positive(String name, long value) {
      if (value <= 0) {
        throw Frame.badArgument(name, value, "> 0");
      }
      return value;
    }

    /** Builds {@link Limits}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
      private int maxPartialMessagesPerSocket = 16;
      private int maxPartialMessagesTotal = 1024;
      private long maxBufferedBytesPerSocket = 16L << 20;
      private long maxBufferedBytesTotal = 64L << 20;

      private Builder() {}

      /** Most incomplete messages of one socket and of all sockets at a time; default 16 and 1 024. */
      public Builder maxPartialMessages(int perSocket, int total) {
        maxPartialMessagesPerSocket = perSocket;
        maxPartialMessagesTotal = total;
        return this;
      }

      /** Most bytes incomplete messages of one socket and of all sockets may hold; default 16 MiB and 64 MiB. */
      public Builder maxBufferedBytes(long perSocket, long total) {
        maxBufferedBytesPerSocket = perSocket;
        maxBufferedBytesTotal = total;
        return this;
      }

      /**
       * The limits.
       *
       * @throws IllegalArgumentException if a value is not positive, naming it and its value
       */
      public Limits build() {
        return new Limits(this);
      }
    }
  }

  /**
   * Receives what the reassembler makes of the frames. Called on the thread that calls {@link #accept}, within that
   * call, one callback at a time. Every {@code ByteBuffer} passed is valid only during the call (it is the
   * caller's frame or a pooled buffer); the callee may consume it but must copy what it keeps.
   */
  public interface Handler {
    /**
     * A complete message of the original protocol.
     *
     * @param event {@link Frame#EVENT_DATA}, {@link Frame#EVENT_CLOSE} or {@link Frame#EVENT_CONNECT}
     * @param payload the message's bytes, between position and limit
     */
    void onMessage(int event, int socketId, ByteBuffer payload);

    /**
     * One well-formed frame whose event is not in the original protocol — one of our negotiated
     * {@link Extensions}, or an event of a later version that the caller ignores; not reassembled.
     *
     * @param frame the whole frame, header included, between position and limit; read its fields with
     *     {@link Frame}'s static readers
     */
    void onExtensionFrame(int event, int socketId, ByteBuffer frame);

    /**
     * The peer broke the protocol on {@link ProtocolException#socketId()} (or sent a frame too short to name a
     * socket). That socket's partial messages are already dropped; others are untouched.
     */
    void onError(ProtocolException error);
  }

  private final Limits limits;
  private final Handler handler;
  /** Per socket id, created on first use and kept: at most 65 536 small objects. */
  private final SocketState[] sockets = new SocketState[Frame.MAX_U16 + 1];
  /** The partial messages and the memory they hold. */
  private final PartialStore store;

  /** A reassembler with {@link Limits#defaults()}. */
  public Reassembler(Handler handler) {
    this(Limits.defaults(), handler);
  }

  /** A reassembler that reports to {@code handler} and holds at most what {@code limits} allow. */
  public Reassembler(Limits limits, Handler handler) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.store = new PartialStore(limits);
  }

  /**
   * Takes one received frame (the buffer's remaining bytes) and reports what it completes. When this returns, the
   * buffer's position is at its limit; its contents are not kept.
   */
  public void accept(ByteBuffer frame) {
    int start = frame.position();
    int end = frame.limit();
    try {
      Frame.validate(frame);
    } catch (ProtocolException e) {
      frame.position(end);
      fail(e);
      return;
    }
    int event = Frame.event(frame);
    int socketId = Frame.socketId(frame);
    try {
      if (!Frame.isSeedEvent(event)) {
        handler.onExtensionFrame(event, socketId, frame);
        return;
      }
      SocketState socket = sockets[socketId];
      if (Frame.totalChunks(frame) == 1 && (socket == null || (socket.partials == null && !socket.closed))) {
        frame.position(start + Frame.HEADER_LENGTH);
        deliver(event, socketId, socket, frame);
        return;
      }
      acceptSlow(event, socketId, frame);
    } finally {
      frame.limit(end).position(end);
    }
  }

  /**
   * Forgets the socket: drops its partial messages and its closed mark. The bridge calls it when the socket id is
   * freed, so that the id's next life starts clean. Safe in callbacks.
   */
  public void release(int socketId) {
    Frame.checkU16("socketId", socketId);
    SocketState socket = sockets[socketId];
    if (socket != null) {
      store.dropPartials(socket);
      socket.closed = false;
    }
  }

  /** Bytes currently held for incomplete messages (buffer capacity included), over all sockets. */
  public long bufferedBytes() {
    return store.bufferedBytes();
  }

  /** Bytes currently held for the socket's incomplete messages. */
  public long bufferedBytes(int socketId) {
    Frame.checkU16("socketId", socketId);
    SocketState socket = sockets[socketId];
    return socket == null ? 0 : socket.bufferedBytes;
  }

  /** Number of incomplete multi-frame messages over all sockets. */
  public int partialMessages() {
    return store.partialMessages();
  }

  /** Bytes of capacity kept in the reuse pool (not counted by {@link #bufferedBytes()}). */
  public long pooledBytes() {
    return store.pooledBytes();
  }

  // ---------------------------------------------------------------------------------------------------- slow path

  private void acceptSlow(int event, int socketId, ByteBuffer frame) {
    SocketState socket = socket(socketId);
    int chunkId = Frame.chunkId(frame);
    if (socket.closed && event != Frame.EVENT_CONNECT) {
      fail(Errors.socketClosed(event, socketId, chunkId));
      return;
    }
    int totalChunks = Frame.totalChunks(frame);
    int chunkIndex = Frame.chunkIndex(frame);
    int payloadStart = frame.position() + Frame.HEADER_LENGTH;
    int payloadSize = frame.remaining() - Frame.HEADER_LENGTH;
    PartialMessage message = socket.find(chunkId);
    if (message == null) {
      if (totalChunks == 1) {
        frame.position(payloadStart);
        deliver(event, socketId, socket, frame);
        return;
      }
      if (!store.canAddPartial(socket)) {
        fail(Errors.tooManyPartials(socketId, chunkId, socket.partialCount, store.partialMessages(), limits));
        return;
      }
      message = store.newPartial(socket, event, chunkId, totalChunks);
    } else if (message.totalChunks != totalChunks) {
      fail(Errors.totalChunksChanged(socketId, chunkId, totalChunks, message.totalChunks));
      return;
    } else if (message.event != event) {
      fail(Errors.eventChanged(socketId, chunkId, event, message.event));
      return;
    }

    if (chunkIndex == message.nextIndex) {
      if (!append(socket, message, frame, payloadStart, payloadSize)) {
        return;
      }
      message.nextIndex++;
      drainWaiting(socket, message);
    } else if (chunkIndex < message.nextIndex || message.waiting(chunkIndex) != null) {
      fail(Errors.duplicateChunk(socketId, chunkId, chunkIndex, totalChunks));
      return;
    } else if (!wait(socket, message, chunkIndex, frame, payloadStart, payloadSize)) {
      return;
    }

    if (message.nextIndex == message.totalChunks) {
      complete(socket, message);
    }
  }

  /** Copies a chunk that arrived in order to the end of the message's buffer. */
  private boolean append(SocketState socket, PartialMessage message, ByteBuffer src, int offset, int length) {
    ByteBuffer buffer = message.buffer;
    int needed = (buffer == null ? 0 : buffer.position()) + length;
    if (buffer == null || buffer.capacity() < needed) {
      ByteBuffer grown = store.grow(socket, message, buffer, needed, length);
      if (grown == null) {
        fail(Errors.limitExceeded(socket, message.chunkId, needed, store.bufferedBytes(), limits));
        return false;
      }
      message.buffer = grown;
      buffer = grown;
    }
    buffer.put(buffer.position(), src, offset, length);
    buffer.position(needed);
    return true;
  }

  /** Keeps a copy of a chunk that arrived ahead of a gap. */
  private boolean wait(
      SocketState socket, PartialMessage message, int chunkIndex, ByteBuffer src, int offset, int length) {
    long cost = (long) length + OUT_OF_ORDER_OVERHEAD;
    if (!store.canCharge(socket, cost)) {
      fail(Errors.limitExceeded(socket, message.chunkId, cost, store.bufferedBytes(), limits));
      return false;
    }
    store.charge(socket, cost);
    ByteBuffer copy = ByteBuffer.allocate(length);
    copy.put(0, src, offset, length);
    message.putWaiting(chunkIndex, copy);
    return true;
  }

  /** Appends the chunks that waited for the one just appended, in order. */
  private void drainWaiting(SocketState socket, PartialMessage message) {
    ByteBuffer next;
    while (message.nextIndex < message.totalChunks && (next = message.takeWaiting(message.nextIndex)) != null) {
      int length = next.remaining();
      store.charge(socket, -((long) length + OUT_OF_ORDER_OVERHEAD));
      if (!append(socket, message, next, 0, length)) {
        return;
      }
      message.nextIndex++;
    }
  }

  private void complete(SocketState socket, PartialMessage message) {
    ByteBuffer buffer = message.buffer;
    message.buffer = null;
    int event = message.event;
    store.unlink(socket, message);
    if (buffer == null) {
      // Every chunk was empty.
      deliver(event, socket.socketId, socket, ByteBuffer.allocate(0));
      return;
    }
    // Uncharge before the handler runs: it may release() the socket from within the callback.
    store.charge(socket, -buffer.capacity());
    try {
      deliver(event, socket.socketId, socket, buffer.flip());
    } finally {
      store.recycle(buffer);
    }
  }

  /** Hands a complete message over, after updating what it means for the socket's state. */
  private void deliver(int event, int socketId, SocketState socket, ByteBuffer payload) {
    if (event == Frame.EVENT_CLOSE) {
      SocketState state = socket != null ? socket : socket(socketId);
      store.dropPartials(state);
      state.closed = true;
    } else if (event == Frame.EVENT_CONNECT && socket != null) {
      socket.closed = false;
    }
    handler.onMessage(event, socketId, payload);
  }

  private void fail(ProtocolException error) {
    int socketId = error.socketId();
    if (socketId != ProtocolException.NO_SOCKET && sockets[socketId] != null) {
      store.dropPartials(sockets[socketId]);
    }
    handler.onError(error);
  }

  // ---------------------------------------------------------------------------------------------------- bookkeeping

  private SocketState socket(int socketId) {
    SocketState socket = sockets[socketId];
    if (socket == null) {
      socket = new SocketState(socketId);
      sockets[socketId] = socket;
    }
    return socket;
  }
}
