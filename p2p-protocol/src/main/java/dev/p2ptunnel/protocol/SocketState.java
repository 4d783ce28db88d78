package dev.p2ptunnel.protocol;

/** What the {@link Reassembler} keeps per socket id. Owned by the reassembler's thread. */
final class SocketState {
  final int socketId;
  /** The peer sent CLOSE and no CONNECT since. */
  boolean closed;
  /** Incomplete multi-frame messages, newest first. */
  PartialMessage partials;
  int partialCount;
  /** Bytes charged to this socket: capacity of its message buffers plus chunks waiting out of order. */
  long bufferedBytes;

  SocketState(int socketId) {
    this.socketId = socketId;
  }

  PartialMessage find(int chunkId) {
    for (PartialMessage m = partials; m != null; m = m.next) {
      if (m.chunkId == chunkId) {
        return m;
      }
    }
    return null;
  }
}
