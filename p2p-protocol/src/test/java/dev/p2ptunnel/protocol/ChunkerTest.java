package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  @Test
  void shouldCountChunksAsCeilingWithAtLeastOne() {
    assertEquals(1, Chunker.chunkCount(0));
    assertEquals(1, Chunker.chunkCount(1));
    assertEquals(1, Chunker.chunkCount(65_525));
    assertEquals(2, Chunker.chunkCount(65_526));
    assertEquals(2, Chunker.chunkCount(65_536));
    assertEquals(17, Chunker.chunkCount(1 << 20));
    assertEquals(65_535, Chunker.chunkCount(Chunker.MAX_MESSAGE_LENGTH));
  }

  @Test
  void shouldRejectMessageNeedingMoreThan65535ChunksAsCallerError() {
    // Sized by number, not by allocating 4 GiB: one byte more than 65 535 full chunks.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Chunker.chunkCount(Chunker.MAX_MESSAGE_LENGTH + 1));
    assertEquals("length: 4294180876 (expected: 0..4294180875, i.e. at most 65535 chunks)", e.getMessage());
  }

  @Test
  void shouldGiveEachMessageOfASocketTheNextChunkIdAndWrap() {
    Chunker chunker = new Chunker();
    assertEquals(0, chunker.takeChunkId(7));
    assertEquals(1, chunker.takeChunkId(7));
    assertEquals(0, chunker.takeChunkId(8), "counters are per socket");
    for (int i = 2; i < 65_535; i++) {
      chunker.takeChunkId(7);
    }
    assertEquals(65_535, chunker.takeChunkId(7));
    assertEquals(0, chunker.takeChunkId(7), "wraps 65535 -> 0");
    chunker.reset(8);
    assertEquals(0, chunker.takeChunkId(8));
  }

  @Test
  void shouldEncodeConnectDataCloseSequenceWithConsecutiveChunkIds() {
    Chunker chunker = new Chunker();
    ByteBuffer[] connect = chunker.encode(Frame.EVENT_CONNECT, 7, ByteBuffer.allocate(0));
    ByteBuffer[] data = chunker.encode(Frame.EVENT_DATA, 7, Hex.buffer("aabb"));
    ByteBuffer[] close = chunker.encode(Frame.EVENT_CLOSE, 7, ByteBuffer.allocate(0));
    assertEquals("02 0007 0000 0000 0001 0000".replace(" ", ""), Hex.of(connect[0]));
    assertEquals("00 0007 0001 0000 0001 0002 aabb".replace(" ", ""), Hex.of(data[0]));
    assertEquals("01 0007 0002 0000 0001 0000".replace(" ", ""), Hex.of(close[0]));
  }

  @Test
  void shouldSplitIntoFullChunksAndARemainder() throws ProtocolException {
    Chunker chunker = new Chunker();
    byte[] payload = randomBytes(2 * 65_525 + 10, 1);
    ByteBuffer[] frames = chunker.encode(Frame.EVENT_DATA, 3, ByteBuffer.wrap(payload));
    assertEquals(3, frames.length);
    int[] sizes = {65_525, 65_525, 10};
    for (int i = 0; i < frames.length; i++) {
      DecodedFrame decoded = Frame.decode(frames[i]);
      assertEquals(0, decoded.chunkId());
      assertEquals(i, decoded.chunkIndex());
      assertEquals(3, decoded.totalChunks());
      assertEquals(sizes[i], decoded.payload().remaining());
      assertEquals(ByteBuffer.wrap(payload, i * 65_525, sizes[i]), decoded.payload());
    }
  }

  @Test
  void writeFramesShouldHandOutTheSameBytesAsEncodeWithoutMovingThePayload() {
    for (int length : new int[] {0, 1, 65_525, 65_526, 200_000}) {
      byte[] payload = randomBytes(length, length);
      ByteBuffer source = ByteBuffer.allocate(length + 6).position(3).limit(3 + length);
      source.put(3, payload);
      List<String> gathered = new ArrayList<>();
      int frames = new Chunker().writeFrames(Frame.EVENT_DATA, 5, source,
          (header, slice) -> gathered.add(Hex.of(header) + Hex.of(slice)));
      List<String> encoded = new ArrayList<>();
      for (ByteBuffer frame : new Chunker().encode(Frame.EVENT_DATA, 5, ByteBuffer.wrap(payload))) {
        encoded.add(Hex.of(frame));
      }
      assertEquals(encoded, gathered, "length " + length);
      assertEquals(Chunker.chunkCount(length), frames);
      assertEquals(3, source.position());
      assertEquals(3 + length, source.limit());
    }
  }

  @Test
  void shouldWriteSingleFrameHeaderInPlace() {
    Chunker chunker = new Chunker();
    ByteBuffer frame = ByteBuffer.allocate(11 + 3);
    frame.put(11, new byte[] {1, 2, 3});
    chunker.takeChunkId(4);
    assertEquals(1, chunker.writeSingleFrameHeader(frame, 0, Frame.EVENT_DATA, 4, 3));
    assertEquals("00 0004 0001 0000 0001 0003 010203".replace(" ", ""), Hex.of(frame));
  }

  @Test
  void encodeShouldNotMoveThePayload() {
    ByteBuffer payload = ByteBuffer.wrap(randomBytes(100, 2));
    ByteBuffer[] frames = new Chunker().encode(Frame.EVENT_DATA, 1, payload);
    assertEquals(0, payload.position());
    byte[] body = new byte[100];
    frames[0].get(11, body);
    assertArrayEquals(payload.array(), body);
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
