package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SendLogTest {

  @Test
  void shouldGiveBackExactlyTheBytesFromAnyOffsetAfterAppendsAndTrimsOfEverySize() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SendLog.Pool pool = new SendLog.Pool(4);
      SendLog log = new SendLog(pool);
      byte[] all = new byte[3 << 20];
      random.nextBytes(all);
      int written = 0;
      while (written < all.length) {
        int n = Math.min(all.length - written, random.nextInt(1, 70_000));
        ByteBuffer frame = ByteBuffer.allocate(n + 11);
        frame.put(11, all, written, n);
        log.append(frame, 11, n);
        written += n;
        assertEquals(written, log.end());
        if (random.nextInt(3) == 0) {
          log.trimTo(log.start() + random.nextLong(log.retained() + 1));
        }
        long from = log.start() + random.nextLong(log.retained() + 1);
        ByteBuffer copy = ByteBuffer.allocate(random.nextInt(1, 200_000));
        int copied = log.copy(from, copy, Integer.MAX_VALUE);
        assertEquals(Math.min(copy.capacity(), log.end() - from), copied, "seed " + seed);
        byte[] expected = new byte[copied];
        System.arraycopy(all, (int) from, expected, 0, copied);
        assertArrayEquals(expected, java.util.Arrays.copyOf(copy.array(), copied), "seed " + seed + " from " + from);
        assertEquals(blocksFor(log), pool.bytesInUse() / SendLog.BLOCK, "blocks held, seed " + seed);
      }
      log.clear();
      assertEquals(0, pool.bytesInUse());
    }
  }

  @Test
  void shouldHoldNoBlockOnceEverythingIsConfirmedAtABlockBoundary() {
    SendLog.Pool pool = new SendLog.Pool(4);
    SendLog log = new SendLog(pool);
    ByteBuffer block = ByteBuffer.allocate(SendLog.BLOCK);
    log.append(block, 0, SendLog.BLOCK);
    log.trimTo(SendLog.BLOCK);
    assertEquals(0, pool.bytesInUse());
    log.append(block, 0, 10);
    assertEquals(SendLog.BLOCK, pool.bytesInUse());
    assertEquals(SendLog.BLOCK + 10, log.end());
  }

  @Test
  void shouldRefuseOffsetsOutsideWhatItKeeps() {
    SendLog log = new SendLog(new SendLog.Pool(0));
    log.append(ByteBuffer.allocate(100), 0, 100);
    log.trimTo(40);
    assertEquals("from: 39 (expected: 40..100)",
        assertThrows(IllegalArgumentException.class, () -> log.copy(39, ByteBuffer.allocate(10), 10)).getMessage());
    assertEquals("offset: 101 (expected: <= end 100)",
        assertThrows(IllegalArgumentException.class, () -> log.trimTo(101)).getMessage());
  }

  /** Blocks the kept bytes need, counted from the first block's start. */
  private static long blocksFor(SendLog log) {
    return log.retained() == 0 ? (log.start() % SendLog.BLOCK == 0 ? 0 : 1)
        : (log.start() % SendLog.BLOCK + log.retained() + SendLog.BLOCK - 1) / SendLog.BLOCK;
  }
}
