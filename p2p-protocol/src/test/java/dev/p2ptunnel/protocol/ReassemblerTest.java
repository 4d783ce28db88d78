package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReassemblerTest {
  private final RecordingHandler handler = new RecordingHandler();
  private final Reassembler reassembler = new Reassembler(handler);

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 65_525, 65_526, 1 << 20, 12 << 20, 16 << 20})
  void shouldRoundTripEncodeDecodeReassemble(int length) throws ProtocolException {
    byte[] payload = ChunkerTest.randomBytes(length, 42 + length);
    ByteBuffer[] frames = new Chunker().encode(Frame.EVENT_DATA, 9, ByteBuffer.wrap(payload));
    for (ByteBuffer frame : frames) {
      Frame.decode(frame);
      reassembler.accept(frame);
    }
    assertEquals(List.of(), handler.errors);
    assertEquals(1, handler.messages.size());
    assertEquals(Frame.EVENT_DATA, handler.messages.get(0).event());
    assertEquals(9, handler.messages.get(0).socketId());
    assertArrayEquals(payload, handler.messages.get(0).payload());
    assertEquals(0, reassembler.bufferedBytes());
    assertEquals(0, reassembler.partialMessages());
  }

  @Test
  void shouldHandOverSingleFrameMessageInPlace() {
    ByteBuffer frame = Frame.encode(Frame.EVENT_DATA, 1, 0, 0, 1, Hex.buffer("010203"));
    List<ByteBuffer> seen = new ArrayList<>();
    Reassembler inPlace = new Reassembler(new RecordingHandler() {
      @Override
      public void onMessage(int event, int socketId, ByteBuffer payload) {
        seen.add(payload);
        assertEquals(11, payload.position());
        assertEquals(3, payload.remaining());
      }
    });
    inPlace.accept(frame);
    assertSame(frame, seen.get(0), "no copy, no slice");
    assertEquals(frame.limit(), frame.position(), "the frame is consumed");
  }

  @Test
  void shouldReassembleEverySplitOfAMessage() {
    // A 12-byte message cut into chunks at every subset of the 11 inner boundaries: 2 048 splits, chunks of any
    // size (the original's chunks are full but the last; a peer need not be).
    byte[] payload = ChunkerTest.randomBytes(12, 7);
    for (int cuts = 0; cuts < (1 << 11); cuts++) {
      List<byte[]> chunks = split(payload, cuts);
      int chunkId = cuts & 0xFFFF;
      for (int i = 0; i < chunks.size(); i++) {
        reassembler.accept(Frame.encode(Frame.EVENT_DATA, 3, chunkId, i, chunks.size(), ByteBuffer.wrap(chunks.get(i))));
      }
      assertEquals(cuts + 1, handler.messages.size(), "split " + Integer.toBinaryString(cuts));
      assertArrayEquals(payload, handler.messages.get(cuts).payload(), "split " + Integer.toBinaryString(cuts));
    }
    assertEquals(List.of(), handler.errors);
    assertEquals(0, reassembler.bufferedBytes());
  }

  @Test
  void shouldReassembleChunksArrivingInEveryOrder() {
    byte[] payload = ChunkerTest.randomBytes(3 * 65_525 + 100, 11);
    ByteBuffer[] frames = new Chunker().encode(Frame.EVENT_DATA, 4, ByteBuffer.wrap(payload));
    List<int[]> orders = permutations(new int[] {0, 1, 2, 3});
    assertEquals(24, orders.size());
    for (int[] order : orders) {
      for (int index : order) {
        reassembler.accept(frames[index].duplicate());
      }
      assertArrayEquals(payload, handler.messages.get(handler.messages.size() - 1).payload());
      assertEquals(0, reassembler.bufferedBytes(), "nothing held after completion");
    }
    assertEquals(24, handler.messages.size());
    assertEquals(List.of(), handler.errors);
  }

  @Test
  void shouldKeepInterleavedMessagesOfManySocketsApart() {
    Random random = new Random(1234);
    Chunker chunker = new Chunker();
    List<ByteBuffer> all = new ArrayList<>();
    byte[][] payloads = new byte[200][];
    for (int socket = 0; socket < payloads.length; socket++) {
      payloads[socket] = ChunkerTest.randomBytes(random.nextInt(3 * 65_525), socket);
      Collections.addAll(all, chunker.encode(Frame.EVENT_DATA, socket, ByteBuffer.wrap(payloads[socket])));
    }
    Collections.shuffle(all, random);
    Reassembler roomy = new Reassembler(Reassembler.Limits.builder().maxPartialMessages(16, 1024)
        .maxBufferedBytes(16 << 20, 1L << 30).build(), handler);
    for (ByteBuffer frame : all) {
      roomy.accept(frame);
    }
    assertEquals(List.of(), handler.errorMessages());
    assertEquals(payloads.length, handler.messages.size());
    for (RecordingHandler.Message message : handler.messages) {
      assertArrayEquals(payloads[message.socketId()], message.payload());
    }
    assertEquals(0, roomy.bufferedBytes());
  }

  @Test
  void shouldKeepSeveralInFlightMessagesOfOneSocketApartByChunkId() {
    // Two messages of socket 5 interleaved frame by frame: chunk_id tells them apart.
    reassembler.accept(Frame.encode(0, 5, 1, 0, 2, Hex.buffer("aa")));
    reassembler.accept(Frame.encode(0, 5, 2, 0, 2, Hex.buffer("bb")));
    reassembler.accept(Frame.encode(0, 5, 2, 1, 2, Hex.buffer("cc")));
    reassembler.accept(Frame.encode(0, 5, 1, 1, 2, Hex.buffer("dd")));
    assertEquals("bbcc", Hex.of(ByteBuffer.wrap(handler.messages.get(0).payload())));
    assertEquals("aadd", Hex.of(ByteBuffer.wrap(handler.messages.get(1).payload())));
  }

  @Test
  void shouldReportDuplicateChunkForItsSocketOnly() {
    reassembler.accept(Frame.encode(0, 6, 0, 0, 2, Hex.buffer("66"))); // other socket, left partial
    reassembler.accept(Frame.encode(0, 7, 3, 0, 3, Hex.buffer("01")));
    reassembler.accept(Frame.encode(0, 7, 3, 0, 3, Hex.buffer("01")));
    assertError(Reason.DUPLICATE_CHUNK, 7, "duplicate chunk_index 0 of total_chunks 3 (socket 7, chunk 3)");
    assertEquals(0, reassembler.bufferedBytes(7));
    reassembler.accept(Frame.encode(0, 6, 0, 1, 2, Hex.buffer("67")));
    assertEquals("6667", Hex.of(ByteBuffer.wrap(handler.messages.get(0).payload())));
  }

  @Test
  void shouldReportDuplicateOfChunkWaitingOutOfOrder() {
    reassembler.accept(Frame.encode(0, 7, 3, 2, 3, Hex.buffer("03")));
    reassembler.accept(Frame.encode(0, 7, 3, 2, 3, Hex.buffer("03")));
    assertError(Reason.DUPLICATE_CHUNK, 7, "duplicate chunk_index 2 of total_chunks 3 (socket 7, chunk 3)");
    assertEquals(0, reassembler.bufferedBytes());
  }

  @Test
  void shouldReportTotalChunksThatChangesMidMessage() {
    reassembler.accept(Frame.encode(0, 7, 3, 0, 3, Hex.buffer("01")));
    reassembler.accept(Frame.encode(0, 7, 3, 1, 4, Hex.buffer("02")));
    assertError(Reason.TOTAL_CHUNKS_CHANGED, 7, "total_chunks 4 != 3 of earlier chunks (socket 7, chunk 3)");
    assertEquals(0, reassembler.partialMessages());
  }

  @Test
  void shouldReportEventThatChangesMidMessage() {
    reassembler.accept(Frame.encode(Frame.EVENT_DATA, 7, 3, 0, 2, Hex.buffer("01")));
    reassembler.accept(Frame.encode(Frame.EVENT_CLOSE, 7, 3, 1, 2, Hex.buffer("02")));
    assertError(Reason.EVENT_CHANGED, 7, "event CLOSE != DATA of earlier chunks (socket 7, chunk 3)");
  }

  @Test
  void shouldReportFramesOfAClosedSocketUntilConnectReopensIt() {
    reassembler.accept(Frame.encode(Frame.EVENT_CLOSE, 7, 0, 0, 1, ByteBuffer.allocate(0)));
    reassembler.accept(Frame.encode(Frame.EVENT_DATA, 7, 1, 0, 1, Hex.buffer("01")));
    assertError(Reason.SOCKET_CLOSED, 7, "DATA frame after the peer closed the socket (socket 7, chunk 1)");
    reassembler.accept(Frame.encode(Frame.EVENT_CONNECT, 7, 0, 0, 1, ByteBuffer.allocate(0)));
    reassembler.accept(Frame.encode(Frame.EVENT_DATA, 7, 1, 0, 1, Hex.buffer("02")));
    assertEquals(List.of(Frame.EVENT_CLOSE, Frame.EVENT_CONNECT, Frame.EVENT_DATA),
        handler.messages.stream().map(RecordingHandler.Message::event).toList());
  }

  @Test
  void closeShouldDropPartialMessagesOfItsSocket() {
    reassembler.accept(Frame.encode(0, 7, 0, 0, 2, Hex.buffer("01")));
    assertTrue(reassembler.bufferedBytes(7) > 0);
    reassembler.accept(Frame.encode(Frame.EVENT_CLOSE, 7, 1, 0, 1, ByteBuffer.allocate(0)));
    assertEquals(0, reassembler.bufferedBytes());
    assertEquals(0, reassembler.partialMessages());
  }

  @Test
  void shouldReportMalformedFrameForItsSocketOnly() {
    reassembler.accept(Frame.encode(0, 6, 0, 0, 2, Hex.buffer("66")));
    reassembler.accept(Hex.buffer("00 0006 0000 0001 0002 0005 aa"));
    assertError(Reason.PAYLOAD_SIZE_MISMATCH, 6, "payload_size 5 != message length 12 - 11 (socket 6, chunk 0)");
    assertEquals(0, reassembler.partialMessages(), "socket 6 lost its partial message");
    reassembler.accept(Hex.buffer("00"));
    assertEquals(ProtocolException.NO_SOCKET, handler.errors.get(1).socketId());
  }

  @Test
  void shouldHandUnknownEventsOverFrameByFrame() {
    ByteBuffer frame = Frame.encode(0x42, 0, 9, 0, 2, Hex.buffer("beef"));
    reassembler.accept(frame);
    assertEquals(1, handler.unknown.size());
    assertEquals(0x42, handler.unknown.get(0).event());
    assertEquals(Hex.of(frame.rewind()), Hex.of(ByteBuffer.wrap(handler.unknown.get(0).payload())));
    assertEquals(0, reassembler.partialMessages());
  }

  @Test
  void shouldReportBytesOverThePerSocketLimitAndRecover() {
    Reassembler small = new Reassembler(Reassembler.Limits.builder().maxPartialMessages(16, 1024)
        .maxBufferedBytes(100_000, 1 << 20).build(), handler);
    byte[] payload = ChunkerTest.randomBytes(3 * 65_525, 3);
    for (ByteBuffer frame : new Chunker().encode(Frame.EVENT_DATA, 7, ByteBuffer.wrap(payload))) {
      small.accept(frame);
    }
    assertError(Reason.LIMIT_EXCEEDED, 7, "buffered bytes 100000 + 131050 > max 100000 per socket (socket 7, chunk 0)");
    // The last chunk, after the error, starts a partial of its own: bounded, and gone when the bridge releases.
    assertTrue(small.bufferedBytes(7) <= 100_000);
    small.release(7);
    assertEquals(0, small.bufferedBytes());
    small.accept(Frame.encode(0, 7, 1, 0, 2, Hex.buffer("01")));
    small.accept(Frame.encode(0, 7, 1, 1, 2, Hex.buffer("02")));
    assertEquals("0102", Hex.of(ByteBuffer.wrap(handler.messages.get(handler.messages.size() - 1).payload())));
  }

  @Test
  void shouldNotCopyTheWholeMessageForEverySmallChunk() {
    // Uneven chunking that does not fit the first estimate: the buffer at least doubles, so 4 096 one-byte chunks
    // after a full one cause a handful of copies, not thousands. Counted through the pool: each growth retires a
    // buffer into it, and the pool keeps at most 8.
    Reassembler small = new Reassembler(Reassembler.Limits.builder().maxPartialMessages(16, 1024)
        .maxBufferedBytes(4 << 20, 4 << 20).build(), handler);
    small.accept(Frame.encode(0, 1, 0, 0, 4_097, ByteBuffer.allocate(65_525)));
    for (int i = 1; i < 4_097; i++) {
      small.accept(Frame.encode(0, 1, 0, i, 4_097, Hex.buffer("01")));
    }
    assertEquals(List.of(), handler.errorMessages());
    assertEquals(65_525 + 4_096, handler.messages.get(0).payload().length);
  }

  @Test
  void shouldReportBytesOverTheTotalLimit() {
    Reassembler small = new Reassembler(Reassembler.Limits.builder().maxPartialMessages(16, 1024)
        .maxBufferedBytes(1 << 20, 200_000).build(), handler);
    small.accept(Frame.encode(0, 1, 0, 0, 2, ByteBuffer.allocate(65_525)));
    small.accept(Frame.encode(0, 2, 0, 0, 2, ByteBuffer.allocate(65_525)));
    small.accept(Frame.encode(0, 3, 0, 0, 2, ByteBuffer.allocate(65_525)));
    assertError(Reason.LIMIT_EXCEEDED, 3, "buffered bytes 200000 + 65525 > max 200000 in all (socket 3, chunk 0)");
  }

  @Test
  void shouldBoundOutOfOrderChunksEvenWhenEmpty() {
    // Empty chunks ahead of a gap still cost bookkeeping: a flood of them hits the byte limit.
    Reassembler small = new Reassembler(Reassembler.Limits.builder().maxPartialMessages(16, 1024)
        .maxBufferedBytes(10_000, 1 << 20).build(), handler);
    for (int index = 1; index < 1000 && handler.errors.isEmpty(); index++) {
      small.accept(Frame.encode(0, 7, 0, index, 65_535, ByteBuffer.allocate(0)));
    }
    assertError(Reason.LIMIT_EXCEEDED, 7, "buffered bytes 9984 + 128 > max 10000 per socket (socket 7, chunk 0)");
    assertEquals(0, small.bufferedBytes());
  }

  @Test
  void shouldReportTooManyPartialMessages() {
    Reassembler small = new Reassembler(Reassembler.Limits.builder().maxPartialMessages(2, 3)
        .maxBufferedBytes(1 << 20, 1 << 20).build(), handler);
    small.accept(Frame.encode(0, 1, 0, 0, 2, Hex.buffer("01")));
    small.accept(Frame.encode(0, 1, 1, 0, 2, Hex.buffer("01")));
    small.accept(Frame.encode(0, 1, 2, 0, 2, Hex.buffer("01")));
    assertError(Reason.LIMIT_EXCEEDED, 1, "partial messages 2 >= max 2 per socket (socket 1, chunk 2)");
    small.accept(Frame.encode(0, 2, 0, 0, 2, Hex.buffer("01")));
    small.accept(Frame.encode(0, 3, 0, 0, 2, Hex.buffer("01")));
    small.accept(Frame.encode(0, 4, 0, 0, 2, Hex.buffer("01")));
    small.accept(Frame.encode(0, 5, 0, 0, 2, Hex.buffer("01")));
    assertEquals("partial messages 3 >= max 3 in all (socket 5, chunk 0)", handler.errors.get(1).getMessage());
  }

  @Test
  void releaseShouldDropPartialState() {
    reassembler.accept(Frame.encode(0, 7, 0, 0, 3, Hex.buffer("01")));
    reassembler.accept(Frame.encode(0, 7, 0, 2, 3, Hex.buffer("03")));
    reassembler.release(7);
    assertEquals(0, reassembler.bufferedBytes());
    assertEquals(0, reassembler.partialMessages());
    reassembler.accept(Frame.encode(0, 7, 0, 1, 3, Hex.buffer("02")));
    assertEquals(List.of(), handler.messages, "the rest of a released message does not complete it");
  }

  @Test
  void shouldStayConsistentWhenHandlerReleasesTheSocketFromTheCallback() {
    Reassembler[] self = new Reassembler[1];
    self[0] = new Reassembler(new RecordingHandler() {
      @Override
      public void onMessage(int event, int socketId, ByteBuffer payload) {
        self[0].release(socketId);
      }
    });
    for (ByteBuffer frame : new Chunker().encode(0, 7, ByteBuffer.allocate(200_000))) {
      self[0].accept(frame);
    }
    assertEquals(0, self[0].bufferedBytes());
    assertEquals(0, self[0].bufferedBytes(7));
  }

  @Test
  void shouldReuseItsBufferForSteadyStateMessages() {
    Chunker chunker = new Chunker();
    ByteBuffer payload = ByteBuffer.allocate(1 << 20);
    for (ByteBuffer frame : chunker.encode(0, 1, payload)) {
      reassembler.accept(frame);
    }
    long pooled = reassembler.pooledBytes();
    assertTrue(pooled >= 1 << 20, "the message buffer went back to the pool");
    for (int i = 0; i < 10; i++) {
      for (ByteBuffer frame : chunker.encode(0, 1, payload)) {
        reassembler.accept(frame);
      }
      assertEquals(pooled, reassembler.pooledBytes(), "no new buffer was needed");
    }
  }

  private void assertError(Reason reason, int socketId, String message) {
    assertEquals(List.of(message), handler.errorMessages());
    assertEquals(reason, handler.errors.get(0).reason());
    assertEquals(socketId, handler.errors.get(0).socketId());
  }

  /** Cuts {@code payload} after byte i+1 for every bit i set in {@code cuts}. */
  private static List<byte[]> split(byte[] payload, int cuts) {
    List<byte[]> chunks = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < payload.length - 1; i++) {
      if ((cuts & (1 << i)) != 0) {
        chunks.add(java.util.Arrays.copyOfRange(payload, start, i + 1));
        start = i + 1;
      }
    }
    chunks.add(java.util.Arrays.copyOfRange(payload, start, payload.length));
    return chunks;
  }

  private static List<int[]> permutations(int[] items) {
    List<int[]> out = new ArrayList<>();
    permute(items, 0, out);
    return out;
  }

  private static void permute(int[] items, int k, List<int[]> out) {
    if (k == items.length) {
      out.add(items.clone());
      return;
    }
    for (int i = k; i < items.length; i++) {
      int t = items[k];
      items[k] = items[i];
      items[i] = t;
      permute(items, k + 1, out);
      items[i] = items[k];
      items[k] = t;
    }
  }
}
