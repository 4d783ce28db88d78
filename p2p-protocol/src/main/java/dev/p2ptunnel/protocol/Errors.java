package dev.p2ptunnel.protocol;

import dev.p2ptunnel.protocol.ProtocolException.Reason;

/** The reassembler's cold paths: each builds the exception for one broken rule, naming field, value and limit. */
final class Errors {
  private Errors() {}

  private static String where(int socketId, int chunkId) {
    return " (socket " + socketId + ", chunk " + chunkId + ")";
  }

  static ProtocolException socketClosed(int event, int socketId, int chunkId) {
    return new ProtocolException(Reason.SOCKET_CLOSED, socketId,
        Frame.eventName(event) + " frame after the peer closed the socket" + where(socketId, chunkId));
  }

  static ProtocolException tooManyPartials(
      int socketId, int chunkId, int ofSocket, int total, Reassembler.Limits limits) {
    String message = ofSocket >= limits.maxPartialMessagesPerSocket()
        ? "partial messages " + ofSocket + " >= max " + limits.maxPartialMessagesPerSocket() + " per socket"
        : "partial messages " + total + " >= max " + limits.maxPartialMessagesTotal() + " in all";
    return new ProtocolException(Reason.LIMIT_EXCEEDED, socketId, message + where(socketId, chunkId));
  }

  static ProtocolException totalChunksChanged(int socketId, int chunkId, int totalChunks, int earlier) {
    return new ProtocolException(Reason.TOTAL_CHUNKS_CHANGED, socketId,
        "total_chunks " + totalChunks + " != " + earlier + " of earlier chunks" + where(socketId, chunkId));
  }

  static ProtocolException eventChanged(int socketId, int chunkId, int event, int earlier) {
    return new ProtocolException(Reason.EVENT_CHANGED, socketId,
        "event " + Frame.eventName(event) + " != " + Frame.eventName(earlier) + " of earlier chunks"
            + where(socketId, chunkId));
  }

  static ProtocolException duplicateChunk(int socketId, int chunkId, int chunkIndex, int totalChunks) {
    return new ProtocolException(Reason.DUPLICATE_CHUNK, socketId,
        "duplicate chunk_index " + chunkIndex + " of total_chunks " + totalChunks + where(socketId, chunkId));
  }

  static ProtocolException limitExceeded(
      SocketState socket, int chunkId, long more, long total, Reassembler.Limits limits) {
    String message = socket.bufferedBytes + more > limits.maxBufferedBytesPerSocket()
        ? "buffered bytes " + socket.bufferedBytes + " + " + more + " > max " + limits.maxBufferedBytesPerSocket()
            + " per socket"
        : "buffered bytes " + total + " + " + more + " > max " + limits.maxBufferedBytesTotal() + " in all";
    return new ProtocolException(Reason.LIMIT_EXCEEDED, socket.socketId, message + where(socket.socketId, chunkId));
  }
}
