package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One multi-frame message being reassembled: the chunks received in order so far, in one buffer, and copies of
 * chunks that arrived ahead of a gap. Pooled by the {@link Reassembler}, which owns it.
 */
final class PartialMessage {
  int event;
  int chunkId;
  int totalChunks;
  /** The chunk_index that extends {@link #buffer}; all before it are in it. */
  int nextIndex;
  /** Chunks 0 … nextIndex-1, written up to position. Null until the first byte arrives. */
  @Nullable ByteBuffer buffer;
  /** Next partial of the same socket, or next free one in the pool. */
  @Nullable PartialMessage next;
  /** Chunks that arrived out of order, by chunk_index; rare on an ordered channel, so created lazily. */
  private @Nullable Map<Integer, ByteBuffer> waiting;

  @Nullable ByteBuffer waiting(int chunkIndex) {
    return waiting == null ? null : waiting.get(chunkIndex);
  }

  void putWaiting(int chunkIndex, ByteBuffer chunk) {
    if (waiting == null) {
      waiting = new HashMap<>();
    }
    waiting.put(chunkIndex, chunk);
  }

  @Nullable ByteBuffer takeWaiting(int chunkIndex) {
    return waiting == null ? null : waiting.remove(chunkIndex);
  }

  void clearWaiting() {
    waiting = null;
  }
}
