package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Golden vectors of the resume extension's messages (docs/PROTOCOL.md, "Resumable streams"). */
class ResumptionTest {

  @Test
  void shouldEncodeSessionWithBothBridgeIdsChannelAndWindow() throws ProtocolException {
    // SESSION (0x18), socket 0, chunk 0, 1 of 1, 24 bytes: bridge 0x0102030405060708, peer 0x1112131415161718,
    // channel 3, window 1 MiB.
    String hex = "18 0000 0000 0000 0001 0018 0102030405060708 1112131415161718 00000003 00100000";
    assertEquals(hex.replace(" ", ""),
        Hex.of(Resumption.session(0x0102030405060708L, 0x1112131415161718L, 3, 1 << 20)));
    assertEquals(new Resumption.Session(0x0102030405060708L, 0x1112131415161718L, 3, 1 << 20),
        Resumption.session(Hex.buffer(hex)));
  }

  @Test
  void shouldReadBigEndianWhateverTheBufferOrderSays() throws ProtocolException {
    ByteBuffer frame = Hex.buffer("18 0000 0000 0000 0001 0018 0000000000000001 0000000000000000 00000000 00040000");
    frame.order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(new Resumption.Session(1, 0, 0, 256 * 1024), Resumption.session(frame));
  }

  @Test
  void shouldAcceptALongerSessionFromALaterVersion() throws ProtocolException {
    assertEquals(new Resumption.Session(1, 0, 0, 256 * 1024), Resumption.session(
        Hex.buffer("18 0000 0000 0000 0001 0019 0000000000000001 0000000000000000 00000000 00040000 ff")));
  }

  @Test
  void shouldEncodeResumeWithReceivedAndGrantedBytes() throws ProtocolException {
    // RESUME (0x19), socket 7: received 0x01_0000_0000 (4 GiB), granted 4 GiB + 1 MiB, flags 0.
    String hex = "19 0007 0000 0000 0001 0011 0000000100000000 0000000100100000 00";
    assertEquals(hex.replace(" ", ""), Hex.of(Resumption.resume(7, 1L << 32, (1L << 32) + (1 << 20), false)));
    assertEquals(new Resumption.Resume(7, 1L << 32, (1L << 32) + (1 << 20), false),
        Resumption.resume(Hex.buffer(hex)));
  }

  @Test
  void shouldFlagAnEndedSocketAndIgnoreReservedFlags() throws ProtocolException {
    // RESUME of socket 2 that has ended: flags 0x01.
    String ended = "19 0002 0000 0000 0001 0011 0000000000000005 0000000000000009 01";
    assertEquals(ended.replace(" ", ""), Hex.of(Resumption.resume(2, 5, 9, true)));
    assertEquals(new Resumption.Resume(2, 5, 9, true), Resumption.resume(Hex.buffer(ended)));
    assertEquals(new Resumption.Resume(2, 5, 9, false),
        Resumption.resume(Hex.buffer("19 0002 0000 0000 0001 0011 0000000000000005 0000000000000009 80")));
  }

  @Test
  void shouldEncodeResumeEndWithChannelProcessedAndCount() throws ProtocolException {
    // RESUME_END (0x1a), socket 0: channel 2, processed 1000 messages, 3 RESUME frames before it.
    String hex = "1a 0000 0000 0000 0001 0010 00000002 00000000000003e8 00000003";
    assertEquals(hex.replace(" ", ""), Hex.of(Resumption.end(2, 1000, 3)));
    assertEquals(new Resumption.End(2, 1000, 3), Resumption.end(Hex.buffer(hex)));
  }

  @Test
  void shouldEncodeByeWithItsReasonInUtf8() throws ProtocolException {
    // BYE (0x1b), socket 0, "bye ü": 62 79 65 20 c3 bc.
    String hex = "1b 0000 0000 0000 0001 0006 627965 20 c3bc";
    assertEquals(hex.replace(" ", ""), Hex.of(Resumption.bye("bye \u00fc")));
    assertEquals("bye \u00fc", Resumption.byeReason(Hex.buffer(hex)));
  }

  @Test
  void shouldCutALongByeReasonAtACharacterBoundary() throws ProtocolException {
    String reason = "a" + "\u00fc".repeat(600); // 1 + 1200 bytes
    ByteBuffer frame = Resumption.bye(reason);
    assertEquals(Frame.HEADER_LENGTH + 1023, frame.remaining(), "1 + 511 two-byte characters, not half of one");
    assertEquals(reason.substring(0, 512), Resumption.byeReason(frame));
  }

  @Test
  void shouldMaskCharactersThatCouldRewriteATerminalLine() throws ProtocolException {
    // ESC [2K (erase line), CR, and U+202E RIGHT-TO-LEFT OVERRIDE.
    assertEquals("?[2K? gone ?", Resumption.byeReason(Resumption.bye("\u001b[2K\r gone \u202e")));
  }

  @Test
  void shouldRejectMalformedPayloadsNamingFieldValueAndLimit() {
    assertEquals("SESSION payload_size 23 < 24 (socket 0)", message(
        () -> Resumption.session(Hex.buffer("18 0000 0000 0000 0001 0017 " + "00".repeat(23)))));
    assertEquals("SESSION bridge_id 0 (expected: non-zero)", message(() -> Resumption.session(
        Hex.buffer("18 0000 0000 0000 0001 0018 0000000000000000 0000000000000000 00000000 00040000"))));
    assertEquals("SESSION window 262143 (expected: 262144..67108864)", message(() -> Resumption.session(
        Hex.buffer("18 0000 0000 0000 0001 0018 0000000000000001 0000000000000000 00000000 0003ffff"))));
    assertEquals("SESSION window 67108865 (expected: 262144..67108864)", message(() -> Resumption.session(
        Hex.buffer("18 0000 0000 0000 0001 0018 0000000000000001 0000000000000000 00000000 04000001"))));
    assertEquals("RESUME payload_size 16 != 17 (socket 4)", message(
        () -> Resumption.resume(Hex.buffer("19 0004 0000 0000 0001 0010 " + "00".repeat(16)))));
    assertEquals("RESUME received 18446744073709551615 > max 9223372036854775807 (socket 4)", message(
        () -> Resumption.resume(Hex.buffer("19 0004 0000 0000 0001 0011 ffffffffffffffff 0000000000000000 00"))));
    assertEquals("RESUME received 10 > granted 9 (socket 4)", message(
        () -> Resumption.resume(Hex.buffer("19 0004 0000 0000 0001 0011 000000000000000a 0000000000000009 00"))));
    assertEquals("RESUME_END count 65537 > max 65536", message(
        () -> Resumption.end(Hex.buffer("1a 0000 0000 0000 0001 0010 00000000 0000000000000000 00010001"))));
    assertEquals("BYE reason is not UTF-8 (Input length = 1)", message(
        () -> Resumption.byeReason(Hex.buffer("1b 0000 0000 0000 0001 0002 c328"))));
  }

  @Test
  void shouldRefuseValuesOutOfRangeWhenEncoding() {
    assertEquals("bridgeId: 0 (expected: != 0)",
        assertThrows(IllegalArgumentException.class, () -> Resumption.session(0, 1, 0, 1 << 20)).getMessage());
    assertEquals("received: 3 (expected: 0..2 (granted))",
        assertThrows(IllegalArgumentException.class, () -> Resumption.resume(1, 3, 2, false)).getMessage());
    assertEquals("count: 65537 (expected: 0..65536)",
        assertThrows(IllegalArgumentException.class, () -> Resumption.end(0, 0, 65_537)).getMessage());
  }

  @Test
  void shouldNameTheNewEvents() {
    assertEquals("SESSION", Frame.eventName(Frame.EVENT_SESSION));
    assertEquals("RESUME", Frame.eventName(Frame.EVENT_RESUME));
    assertEquals("RESUME_END", Frame.eventName(Frame.EVENT_RESUME_END));
    assertEquals("BYE", Frame.eventName(Frame.EVENT_BYE));
  }

  private static String message(Parse parse) {
    return assertThrows(ProtocolException.class, parse::run).getMessage();
  }

  @FunctionalInterface
  private interface Parse {
    void run() throws ProtocolException;
  }
}
