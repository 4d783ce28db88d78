package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Golden vectors of the wire format, one rule each; they must stay byte-exact with the original app. */
class FrameTest {

  @Test
  void headerLayoutIsElevenBytesInFieldOrder() {
    assertEquals(0, Frame.EVENT_OFFSET);
    assertEquals(1, Frame.SOCKET_ID_OFFSET);
    assertEquals(3, Frame.CHUNK_ID_OFFSET);
    assertEquals(5, Frame.CHUNK_INDEX_OFFSET);
    assertEquals(7, Frame.TOTAL_CHUNKS_OFFSET);
    assertEquals(9, Frame.PAYLOAD_SIZE_OFFSET);
    assertEquals(11, Frame.HEADER_LENGTH);
    assertEquals(65_525, Frame.MAX_PAYLOAD_LENGTH);
  }

  @Test
  void shouldEncodeConnectForSocket7AsInTheOriginalApp() {
    // CONNECT, socket 7, chunk 0, index 0 of 1, empty payload.
    ByteBuffer frame = Frame.encode(Frame.EVENT_CONNECT, 7, 0, 0, 1, ByteBuffer.allocate(0));
    assertEquals("02" + "0007" + "0000" + "0000" + "0001" + "0000", Hex.of(frame));
  }

  @Test
  void shouldEncodeClose() {
    // CLOSE, socket 7, its second message (chunk 1), empty payload.
    ByteBuffer frame = Frame.encode(Frame.EVENT_CLOSE, 7, 1, 0, 1, ByteBuffer.allocate(0));
    assertEquals("01" + "0007" + "0001" + "0000" + "0001" + "0000", Hex.of(frame));
  }

  @Test
  void shouldEncodeDataWithPayloadBigEndian() {
    // DATA, socket 0x1234, chunk 0xabcd, payload "hi": every u16 big-endian, even in a little-endian buffer.
    ByteBuffer payload = ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer frame = Frame.encode(Frame.EVENT_DATA, 0x1234, 0xabcd, 0, 1, payload);
    assertEquals("00" + "1234" + "abcd" + "0000" + "0001" + "0002" + "6869", Hex.of(frame));
    assertEquals(0, payload.position(), "payload does not move");
  }

  @Test
  void shouldEncodeMiddleChunkOfMultiChunkMessage() {
    // DATA, socket 9, chunk 5, index 2 of 3, one byte 0xff.
    ByteBuffer frame = Frame.encode(Frame.EVENT_DATA, 9, 5, 2, 3, Hex.buffer("ff"));
    assertEquals("00" + "0009" + "0005" + "0002" + "0003" + "0001" + "ff", Hex.of(frame));
  }

  @Test
  void shouldEncodeAndDecodeLargestLegalFrame() throws ProtocolException {
    // DATA, socket 0xffff, chunk 0xffff, index 0xfffe of 0xffff, payload 65 525 bytes: a 65 536-byte message.
    byte[] payload = new byte[65_525];
    payload[0] = 1;
    payload[65_524] = 2;
    ByteBuffer frame = Frame.encode(Frame.EVENT_DATA, 0xffff, 0xffff, 0xfffe, 0xffff, ByteBuffer.wrap(payload));
    assertEquals(65_536, frame.remaining());
    assertEquals("00" + "ffff" + "ffff" + "fffe" + "ffff" + "fff5", Hex.of(frame.slice(0, 11)));
    DecodedFrame decoded = Frame.decode(frame);
    assertEquals(new DecodedFrame(0, 0xffff, 0xffff, 0xfffe, 0xffff, ByteBuffer.wrap(payload)), decoded);
  }

  @Test
  void shouldDecodeFrameAtBufferPositionWithoutMovingIt() throws ProtocolException {
    // Two junk bytes, then CONNECT for socket 7.
    ByteBuffer buffer = Hex.buffer("eeee 02 0007 0000 0000 0001 0000");
    buffer.position(2);
    DecodedFrame decoded = Frame.decode(buffer);
    assertEquals(Frame.EVENT_CONNECT, decoded.event());
    assertEquals(7, decoded.socketId());
    assertEquals(0, decoded.payload().remaining());
    assertEquals(2, buffer.position());
  }

  @Test
  void shouldAcceptUnknownEventAsWellFormed() throws ProtocolException {
    // Event 0x7f is not in the original protocol: a later version may send it, so it decodes.
    DecodedFrame decoded = Frame.decode(Hex.buffer("7f 0000 0000 0000 0001 0000"));
    assertEquals(0x7f, decoded.event());
    assertFalse(Frame.isSeedEvent(0x7f));
    assertTrue(Frame.isSeedEvent(Frame.EVENT_CONNECT));
    assertEquals("event 127", Frame.eventName(0x7f));
  }

  @Test
  void shouldRejectEmptyMessage() {
    assertRejected("", Reason.TRUNCATED, ProtocolException.NO_SOCKET, "message length 0 < header length 11");
  }

  @Test
  void shouldRejectTruncatedHeaderNamingItsSocketWhenReadable() {
    // Ten bytes: the socket id is there, the payload_size is not complete.
    assertRejected("00 0007 0000 0000 0001 00", Reason.TRUNCATED, 7,
        "message length 10 < header length 11 (socket 7)");
  }

  @Test
  void shouldRejectPayloadSizeThatDisagreesWithMessageLength() {
    // payload_size says 5, three bytes follow.
    assertRejected("00 0007 0000 0000 0001 0005 aabbcc", Reason.PAYLOAD_SIZE_MISMATCH, 7,
        "payload_size 5 != message length 14 - 11 (socket 7, chunk 0)");
  }

  @Test
  void shouldRejectTrailingBytesAfterPayload() {
    // payload_size says 0, one byte follows.
    assertRejected("00 0007 0003 0000 0001 0000 aa", Reason.PAYLOAD_SIZE_MISMATCH, 7,
        "payload_size 0 != message length 12 - 11 (socket 7, chunk 3)");
  }

  @Test
  void shouldRejectPayloadSizeAboveMaximum() {
    // payload_size 0xfff6 = 65 526, one above the maximum.
    assertRejected("00 0007 0000 0000 0001 fff6", Reason.PAYLOAD_TOO_LARGE, 7,
        "payload_size 65526 > max 65525 (socket 7, chunk 0)");
  }

  @Test
  void shouldRejectZeroTotalChunks() {
    assertRejected("00 0007 0000 0000 0000 0000", Reason.ZERO_TOTAL_CHUNKS, 7,
        "total_chunks 0 < min 1 (socket 7, chunk 0)");
  }

  @Test
  void shouldRejectChunkIndexNotBelowTotalChunks() {
    // index 7 of 3, socket 12, chunk 40.
    assertRejected("00 000c 0028 0007 0003 0000", Reason.CHUNK_INDEX_OUT_OF_RANGE, 12,
        "chunk_index 7 >= total_chunks 3 (socket 12, chunk 40)");
  }

  @Test
  void shouldRejectOutOfRangeFieldsAsCallerBugs() {
    ByteBuffer empty = ByteBuffer.allocate(0);
    assertEquals("socketId: 65536 (expected: 0..65535)", assertThrows(IllegalArgumentException.class,
        () -> Frame.encode(Frame.EVENT_DATA, 65_536, 0, 0, 1, empty)).getMessage());
    assertEquals("event: 256 (expected: 0..255)", assertThrows(IllegalArgumentException.class,
        () -> Frame.encode(256, 0, 0, 0, 1, empty)).getMessage());
    assertEquals("chunkIndex: 1 (expected: 0..0)", assertThrows(IllegalArgumentException.class,
        () -> Frame.encode(Frame.EVENT_DATA, 0, 0, 1, 1, empty)).getMessage());
    assertEquals("totalChunks: 0 (expected: 1..65535)", assertThrows(IllegalArgumentException.class,
        () -> Frame.encode(Frame.EVENT_DATA, 0, 0, 0, 0, empty)).getMessage());
    assertEquals("payloadSize: 65526 (expected: 0..65525)", assertThrows(IllegalArgumentException.class,
        () -> Frame.encode(Frame.EVENT_DATA, 0, 0, 0, 1, ByteBuffer.allocate(65_526))).getMessage());
  }

  private static void assertRejected(String hex, Reason reason, int socketId, String message) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Frame.decode(Hex.buffer(hex)));
    assertEquals(message, e.getMessage());
    assertEquals(reason, e.reason());
    assertEquals(socketId, e.socketId());
    assertArrayEquals(new StackTraceElement[0], e.getStackTrace(), "peer errors carry no stack trace");
  }
}
