package dev.p2ptunnel.bridge.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The DATA bytes of one socket that the peer may not have received yet (docs/PROTOCOL.md, "Resumable streams"): the
 * last bytes sent, from stream offset {@link #start()} to {@link #end()} (= every DATA byte sent on the socket). What
 * the peer confirms is dropped ({@link #trimTo}); after a channel is replaced, the bytes from what the peer says it
 * received are sent again ({@link #copy}). Bytes live in fixed blocks from a {@link Pool} shared by the bridge, so
 * steady traffic allocates nothing. Loop thread only.
 */
final class SendLog {
  /** Size of one block. */
  static final int BLOCK = 64 * 1024;

  /** Free blocks of one bridge, kept for reuse up to a bound. Loop thread only. */
  static final class Pool {
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final int maxFree;
    /** Blocks handed out and not returned: what every log of the bridge holds. */
    private long inUse;

    Pool(int maxFree) {
      this.maxFree = maxFree;
    }

    byte[] take() {
      inUse++;
      byte[] block = free.poll();
      return block != null ? block : new byte[BLOCK];
    }

    void give(byte[] block) {
      inUse--;
      if (free.size() < maxFree) {
        free.push(block);
      }
    }

    /** Bytes the logs of this bridge hold now (whole blocks). */
    long bytesInUse() {
      return inUse * BLOCK;
    }
  }

  private final Pool pool;
  private final ArrayDeque<byte[]> blocks = new ArrayDeque<>();
  /** Stream offset of the first byte kept. */
  private long start;
  /** Stream offset after the last byte appended: every DATA byte sent. */
  private long end;
  /** Where {@link #start} sits in the first block; 0 when there is no block. */
  private int headIndex;

  SendLog(Pool pool) {
    this.pool = pool;
  }

  long start() {
    return start;
  }

  long end() {
    return end;
  }

  /** Bytes kept. */
  long retained() {
    return end - start;
  }

  /** Appends {@code length} bytes of {@code src} from absolute index {@code index}; the buffer does not move. */
  void append(ByteBuffer src, int index, int length) {
    int done = 0;
    while (done < length) {
      long at = headIndex + (end - start); // where the next byte goes, counted from the first block's start
      if (at == (long) blocks.size() * BLOCK) {
        blocks.addLast(pool.take());
      }
      int within = (int) (at % BLOCK);
      int n = Math.min(length - done, BLOCK - within);
      src.get(index + done, blocks.peekLast(), within, n);
      done += n;
      end += n;
    }
  }

  /**
   * Drops the bytes before stream offset {@code offset} (the peer has them); an offset at or before {@link #start()}
   * changes nothing.
   *
   * @throws IllegalArgumentException if {@code offset} is beyond {@link #end()}
   */
  void trimTo(long offset) {
    if (offset > end) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: <= end " + end + ")");
    }
    if (offset <= start) {
      return;
    }
    long drop = offset - start;
    long index = headIndex + drop;
    while (index >= BLOCK && !blocks.isEmpty()) {
      pool.give(blocks.pollFirst());
      index -= BLOCK;
    }
    start = offset;
    headIndex = (int) index;
    if (start == end && headIndex == 0 && !blocks.isEmpty()) {
      pool.give(blocks.pollFirst()); // nothing kept and nothing written into it yet: no block needed
    }
  }

  /**
   * Copies up to {@code max} bytes from stream offset {@code from} into {@code dst} (at its position, which moves).
   *
   * @return the bytes copied
   * @throws IllegalArgumentException if {@code from} is not within [{@link #start()}, {@link #end()}]
   */
  int copy(long from, ByteBuffer dst, int max) {
    if (from < start || from > end) {
      throw new IllegalArgumentException("from: " + from + " (expected: " + start + ".." + end + ")");
    }
    int n = (int) Math.min(Math.min(max, dst.remaining()), end - from);
    long index = headIndex + (from - start);
    Iterator<byte[]> it = blocks.iterator();
    for (long skip = index / BLOCK; skip > 0; skip--) {
      it.next();
    }
    int at = (int) (index % BLOCK);
    int done = 0;
    while (done < n) {
      byte[] block = it.next();
      int chunk = Math.min(n - done, BLOCK - at);
      dst.put(block, at, chunk);
      done += chunk;
      at = 0;
    }
    return n;
  }

  /** Returns every block to the pool; nothing is kept any more. */
  void clear() {
    for (byte[] block; (block = blocks.poll()) != null; ) {
      pool.give(block);
    }
    start = end;
    headIndex = 0;
  }
}
