package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Reassembler} holds for incomplete messages, within its {@link Reassembler.Limits}: the partial
 * messages (recycled through a free list) and the bytes they hold, charged per socket and in all, with a small pool
 * of buffers for reuse ({@value Reassembler#POOL_MAX_BUFFERS} buffers, {@value Reassembler#POOL_MAX_BYTES} bytes at
 * most). The protocol's rules stay in the reassembler; this class only counts, allocates and frees.
 *
 * <p>Not thread-safe: owned by the reassembler's thread.
 */
final class PartialStore {
  private final Reassembler.Limits limits;
  private final ByteBuffer[] pool = new ByteBuffer[Reassembler.POOL_MAX_BUFFERS];
  private int pooledBuffers;
  private long pooledBytes;
  private long bufferedBytes;
  private int partialMessages;
  private @Nullable PartialMessage freePartials;

  PartialStore(Reassembler.Limits limits) {
    this.limits = limits;
  }

  /** Bytes held for incomplete messages (buffer capacity included), over all sockets. */
  long bufferedBytes() {
    return bufferedBytes;
  }

  /** Incomplete multi-frame messages over all sockets. */
  int partialMessages() {
    return partialMessages;
  }

  /** Bytes of capacity kept in the reuse pool. */
  long pooledBytes() {
    return pooledBytes;
  }

  /** Whether the limits allow the socket one more partial message. */
  boolean canAddPartial(SocketState socket) {
    return socket.partialCount < limits.maxPartialMessagesPerSocket()
        && partialMessages < limits.maxPartialMessagesTotal();
  }

  /** A new partial message of the socket, newest first in its list. */
  PartialMessage newPartial(SocketState socket, int event, int chunkId, int totalChunks) {
    PartialMessage message = freePartials;
    if (message == null) {
      message = new PartialMessage();
    } else {
      freePartials = message.next;
    }
    message.event = event;
    message.chunkId = chunkId;
    message.totalChunks = totalChunks;
    message.nextIndex = 0;
    message.next = socket.partials;
    socket.partials = message;
    socket.partialCount++;
    partialMessages++;
    return message;
  }

  /** Takes the message out of the socket's list and back to the free list (its buffer is the caller's). */
  void unlink(SocketState socket, PartialMessage message) {
    PartialMessage previous = null;
    for (PartialMessage m = socket.partials; m != null; previous = m, m = m.next) {
      if (m == message) {
        if (previous == null) {
          socket.partials = m.next;
        } else {
          previous.next = m.next;
        }
        break;
      }
    }
    socket.partialCount--;
    partialMessages--;
    message.clearWaiting();
    message.next = freePartials;
    freePartials = message;
  }

  /** Drops the socket's partial messages and everything charged to it. */
  void dropPartials(SocketState socket) {
    while (socket.partials != null) {
      PartialMessage message = socket.partials;
      if (message.buffer != null) {
        release(socket, message.buffer);
        message.buffer = null;
      }
      unlink(socket, message);
    }
    // Out-of-order copies were charged too; nothing of this socket is held any more.
    bufferedBytes -= socket.bufferedBytes;
    socket.bufferedBytes = 0;
  }

  boolean canCharge(SocketState socket, long bytes) {
    return socket.bufferedBytes + bytes <= limits.maxBufferedBytesPerSocket()
        && bufferedBytes + bytes <= limits.maxBufferedBytesTotal();
  }

  void charge(SocketState socket, long bytes) {
    socket.bufferedBytes += bytes;
    bufferedBytes += bytes;
  }

  /**
   * A buffer for the message that holds {@code needed} bytes, replacing {@code buffer} (its bytes copied over, then
   * released); null when the limits do not allow it.
   */
  @Nullable ByteBuffer grow(SocketState socket, PartialMessage message, @Nullable ByteBuffer buffer, int needed,
      int length) {
    int wanted = growTo(socket, message, buffer, needed, length);
    ByteBuffer grown = wanted < needed ? null : acquire(socket, wanted, needed);
    if (grown == null) {
      return null;
    }
    if (buffer != null) {
      grown.put(buffer.flip());
      release(socket, buffer);
    }
    return grown;
  }

  /**
   * The capacity to give a message's buffer that must hold {@code needed} bytes, within what the limits still allow
   * (the current buffer stays charged while it is copied). A canonically chunked message (all chunks full but the
   * last, as the original app sends) gets its whole size at the first chunk when that fits, so it is never copied
   * again. Otherwise the buffer at least doubles each time, or takes all that is left, so that a peer cannot make
   * every small chunk copy the whole message. Returns less than {@code needed} when it cannot fit.
   */
  private int growTo(SocketState socket, PartialMessage message, @Nullable ByteBuffer buffer, int needed,
      int length) {
    long available = Math.min(limits.maxBufferedBytesPerSocket() - socket.bufferedBytes,
        limits.maxBufferedBytesTotal() - bufferedBytes);
    long estimate = (long) message.totalChunks * Frame.MAX_PAYLOAD_LENGTH;
    long wanted;
    if (buffer == null) {
      if (estimate <= available) {
        wanted = estimate;
      } else if (estimate - (Frame.MAX_PAYLOAD_LENGTH - 1) <= available) {
        wanted = available; // the last chunk may be short: the message can still fit
      } else {
        wanted = Math.max(2L * length, 1 << 20);
      }
    } else {
      wanted = Math.max(needed, 2L * buffer.capacity());
    }
    return (int) Math.min(Math.min(wanted, available), Integer.MAX_VALUE - 8);
  }

  /**
   * A buffer of at least {@code needed} bytes, preferably {@code wanted}, charged to the socket; a pooled one when
   * one fits. Null when even {@code needed} would break a limit.
   */
  private @Nullable ByteBuffer acquire(SocketState socket, int wanted, int needed) {
    int best = -1;
    for (int i = 0; i < pooledBuffers; i++) {
      int capacity = pool[i].capacity();
      if (capacity >= needed && canCharge(socket, capacity)
          && (best < 0 || Math.abs(capacity - wanted) < Math.abs(pool[best].capacity() - wanted))) {
        best = i;
      }
    }
    if (best >= 0) {
      ByteBuffer buffer = pool[best];
      pool[best] = pool[--pooledBuffers];
      pool[pooledBuffers] = null;
      pooledBytes -= buffer.capacity();
      charge(socket, buffer.capacity());
      return buffer;
    }
    if (!canCharge(socket, wanted)) {
      return null;
    }
    int capacity = wanted;
    charge(socket, capacity);
    return ByteBuffer.allocate(capacity);
  }

  /** Uncharges a message buffer and keeps it for reuse if the pool has room. */
  void release(SocketState socket, ByteBuffer buffer) {
    charge(socket, -buffer.capacity());
    recycle(buffer);
  }

  /** Keeps an uncharged buffer for reuse if the pool has room. */
  void recycle(ByteBuffer buffer) {
    if (pooledBuffers < Reassembler.POOL_MAX_BUFFERS && pooledBytes + buffer.capacity() <= Reassembler.POOL_MAX_BYTES) {
      pool[pooledBuffers++] = buffer.clear();
      pooledBytes += buffer.capacity();
    }
  }
}
