package dev.p2ptunnel.bridge.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Bytes from the peer that the local socket has not taken yet, in order. Small payloads are appended to the last
 * block, so that a peer sending many tiny messages costs bytes, not objects; the queue itself goes once empty, so an
 * idle socket holds nothing. Loop thread only.
 */
final class PendingWrites {
  /** Smallest block: tiny payloads share one. */
  private static final int MIN_BLOCK = 4096;

  private @Nullable ArrayDeque<ByteBuffer> blocks;
  private long bytes;

  long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return bytes == 0;
  }

  /** Copies {@code data}'s remaining bytes (consuming them). */
  void add(ByteBuffer data) {
    int length = data.remaining();
    ArrayDeque<ByteBuffer> queue = blocks;
    if (queue == null) {
      queue = new ArrayDeque<>();
      blocks = queue;
    }
    ByteBuffer tail = queue.peekLast();
    if (tail != null && tail.capacity() - tail.limit() >= length) {
      int at = tail.limit();
      tail.limit(at + length);
      tail.put(at, data, data.position(), length);
      data.position(data.limit());
    } else {
      ByteBuffer block = ByteBuffer.allocate(Math.max(length, MIN_BLOCK));
      block.put(data).flip();
      queue.add(block);
    }
    bytes += length;
  }

  /**
   * Writes as much as the socket takes now.
   *
   * @return bytes written
   */
  long writeTo(SocketChannel socket) throws IOException {
    ArrayDeque<ByteBuffer> queue = blocks;
    long written = 0;
    while (queue != null && !queue.isEmpty()) {
      ByteBuffer head = queue.peekFirst();
      int n = socket.write(head);
      written += n;
      bytes -= n;
      if (head.hasRemaining()) {
        break;
      }
      queue.pollFirst();
    }
    if (bytes == 0) {
      blocks = null;
    }
    return written;
  }

  /** Drops everything; returns how many bytes that was. */
  long clear() {
    long dropped = bytes;
    blocks = null;
    bytes = 0;
    return dropped;
  }
}
