package dev.p2ptunnel.bridge.internal;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/** One logical socket and its local TCP connection. Owned by the {@link Engine}'s loop thread. */
final class Stream {
  final int id;
  final long openedNanos;
  @Nullable SocketChannel socket;
  @Nullable SelectionKey key;

  /** Host: the dial to the service is under way. */
  boolean dialing;
  long dialDeadlineNanos;
  /** The local TCP connection is up (client: accepted; host: dialed). */
  boolean connected;
  /** Client: the host answered CONNECT. */
  boolean established;
  /** The local application sent EOF. */
  boolean localEof;
  /** Local EOF arrived before the peer's capabilities were known; handled once they are. */
  boolean eofPending;
  boolean sentFin;
  boolean receivedFin;
  /** shutdownOutput() done on the local socket after the peer's FIN. */
  boolean outputShut;
  /** The peer sent CLOSE: nothing more comes from it; close once pending bytes are written. */
  boolean peerClosed;
  /** We sent CLOSE: we read no more and drop what the peer still sends. */
  boolean sentClose;
  /** Reason to report once the pending bytes are written and the socket closes. */
  @Nullable String closeReason;

  /** Bytes we may still send to the peer on this socket (flow control), or Long.MAX_VALUE without. */
  long sendCredit;
  /** Bytes the peer may still send us before we grant more (flow control). */
  long receiveAllowance;
  /** Bytes written to the local socket since the last WINDOW we sent. */
  long unreported;

  /** Bytes from the peer that the local socket has not taken yet; created on first need. */
  @Nullable ArrayDeque<ByteBuffer> pending;
  long pendingBytes;

  long bytesToPeer;
  long bytesFromPeer;

  Stream(int id, long nowNanos) {
    this.id = id;
    this.openedNanos = nowNanos;
  }

  boolean hasPending() {
    return pendingBytes > 0;
  }

  /** Whether we still read from the local socket (credit and channel writability aside). */
  boolean reading() {
    return connected && !localEof && !peerClosed && !sentClose;
  }

  /**
   * Copies bytes the local socket did not take into the pending queue. Small payloads are appended to the last
   * block, so that a peer sending many tiny messages costs bytes, not objects.
   */
  void enqueue(ByteBuffer data) {
    int length = data.remaining();
    if (pending == null) {
      pending = new ArrayDeque<>();
    }
    ByteBuffer tail = pending.peekLast();
    if (tail != null && tail.capacity() - tail.limit() >= length) {
      int at = tail.limit();
      tail.limit(at + length);
      tail.put(at, data, data.position(), length);
      data.position(data.limit());
    } else {
      ByteBuffer block = ByteBuffer.allocate(Math.max(length, MIN_BLOCK));
      block.put(data).flip();
      pending.add(block);
    }
    pendingBytes += length;
  }

  /** Smallest pending block: tiny payloads share one. */
  private static final int MIN_BLOCK = 4096;
}
