package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors of coalesced messages (docs/PROTOCOL.md, "Coalescing"), one rule each: how a message splits into
 * frames, and what a bad frame at the start, in the middle or at the end means for the others.
 */
class CoalescingTest {

  /** The frames {@link Coalescing#split} hands over, as hex, each copied during its call. */
  private static List<String> frames(String hex) {
    List<String> out = new ArrayList<>();
    ByteBuffer message = Hex.buffer(hex);
    int count = Coalescing.split(message, frame -> out.add(Hex.of(frame)));
    assertEquals(out.size(), count);
    assertEquals(message.limit(), message.position(), "message consumed");
    return out;
  }

  /** Splits into a reassembler, as the bridge does. */
  private static RecordingHandler reassemble(String hex) {
    RecordingHandler handler = new RecordingHandler();
    Reassembler reassembler = new Reassembler(handler);
    Coalescing.split(Hex.buffer(hex), reassembler::accept);
    return handler;
  }

  @Test
  void shouldSplitConnectDataAndWindowOfOneSocket() {
    // CONNECT socket 7 (chunk 0), DATA "hi" socket 7 (chunk 1), WINDOW socket 7 +0x8000: 11 + 13 + 15 bytes.
    String connect = "02 0007 0000 0000 0001 0000";
    String data = "00 0007 0001 0000 0001 0002 6869";
    String window = "11 0007 0000 0000 0001 0004 00008000";
    assertEquals(List.of(connect.replace(" ", ""), data.replace(" ", ""), window.replace(" ", "")),
        frames(connect + data + window));
  }

  @Test
  void shouldSplitFramesOfManySocketsInTheirOrder() {
    // DATA "a" on socket 1, DATA "bc" on socket 2, CLOSE socket 1: the order on the wire is the order handed over.
    RecordingHandler handler = reassemble("00 0001 0000 0000 0001 0001 61" + "00 0002 0000 0000 0001 0002 6263"
        + "01 0001 0001 0000 0001 0000");
    assertEquals(3, handler.messages.size());
    assertEquals(1, handler.messages.get(0).socketId());
    assertArrayEquals(new byte[] {'a'}, handler.messages.get(0).payload());
    assertEquals(2, handler.messages.get(1).socketId());
    assertArrayEquals(new byte[] {'b', 'c'}, handler.messages.get(1).payload());
    assertEquals(Frame.EVENT_CLOSE, handler.messages.get(2).event());
    assertEquals(List.of(), handler.errorMessages());
  }

  @Test
  void aSingleFrameIsACoalescedMessageOfOne() {
    assertEquals(List.of("0000010000000000010001ff"), frames("00 0001 0000 0000 0001 0001 ff"));
  }

  @Test
  void aBadFrameInTheMiddleConcernsOnlyItsSocket() {
    // Socket 2's frame says total_chunks 0: its own error; sockets 1 and 3, before and after it, are delivered.
    RecordingHandler handler = reassemble("00 0001 0000 0000 0001 0001 61" + "00 0002 0000 0000 0000 0001 62"
        + "00 0003 0000 0000 0001 0001 63");
    assertEquals(List.of("total_chunks 0 < min 1 (socket 2, chunk 0)"), handler.errorMessages());
    assertEquals(2, handler.messages.size());
    assertEquals(1, handler.messages.get(0).socketId());
    assertEquals(3, handler.messages.get(1).socketId());
  }

  @Test
  void aPayloadAboveTheMaximumStillDelimitsItsFrame() {
    // Socket 2 declares 65 526 payload bytes (> 65 525) and carries them: an error of socket 2; socket 3 follows.
    StringBuilder hex = new StringBuilder("00 0002 0000 0000 0001 fff6");
    hex.append("00".repeat(65_526));
    hex.append("00 0003 0000 0000 0001 0001 63");
    RecordingHandler handler = reassemble(hex.toString());
    assertEquals(List.of("payload_size 65526 > max 65525 (socket 2, chunk 0)"), handler.errorMessages());
    assertEquals(Reason.PAYLOAD_TOO_LARGE, handler.errors.get(0).reason());
    assertEquals(1, handler.messages.size());
    assertEquals(3, handler.messages.get(0).socketId());
  }

  @Test
  void aPayloadReachingPastTheEndCutsTheLastFrameOnly() {
    // Socket 1 complete; socket 2 declares 5 payload bytes but the message ends 2 bytes into them.
    List<String> split = frames("00 0001 0000 0000 0001 0001 ff" + "00 0002 0000 0000 0001 0005 6869");
    assertEquals(List.of("0000010000000000010001ff", "0000020000000000010005" + "6869"), split);
    RecordingHandler handler = reassemble("00 0001 0000 0000 0001 0001 ff" + "00 0002 0000 0000 0001 0005 6869");
    assertEquals(List.of("payload_size 5 != message length 13 - 11 (socket 2, chunk 0)"), handler.errorMessages());
    assertEquals(Reason.PAYLOAD_SIZE_MISMATCH, handler.errors.get(0).reason());
    assertEquals(1, handler.messages.size());
  }

  @Test
  void fewerThanAHeaderLeftIsATruncatedLastFrame() {
    // A complete frame of socket 1, then 3 stray bytes that name socket 9.
    RecordingHandler handler = reassemble("00 0001 0000 0000 0001 0001 ff" + "00 0009");
    assertEquals(List.of("message length 3 < header length 11 (socket 9)"), handler.errorMessages());
    assertEquals(1, handler.messages.size());
    // Too short to name a socket: closes nothing.
    handler = reassemble("00 0001 0000 0000 0001 0001 ff" + "00");
    assertEquals(ProtocolException.NO_SOCKET, handler.errors.get(0).socketId());
  }

  @Test
  void anEmptyMessageIsOneTruncatedFrame() {
    RecordingHandler handler = reassemble("");
    assertEquals(List.of("message length 0 < header length 11"), handler.errorMessages());
  }

  @Test
  void chunksOfOneMessageMayTravelInOneCoalescedMessage() {
    // DATA of socket 4, chunk 2, in two frames ("ab", "c") back to back.
    RecordingHandler handler = reassemble("00 0004 0002 0000 0002 0002 6162" + "00 0004 0002 0001 0002 0001 63");
    assertEquals(1, handler.messages.size());
    assertArrayEquals(new byte[] {'a', 'b', 'c'}, handler.messages.get(0).payload());
  }

  @Test
  void frameEndNamesTheLimitsItChecks() {
    ByteBuffer message = Hex.buffer("00 0001 0000 0000 0001 0001 ff");
    assertEquals(12, Coalescing.frameEnd(message, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coalescing.frameEnd(message, 12));
    assertEquals("start: 12 (expected: 0..11)", e.getMessage());
  }

  @Test
  void splitDoesNotDependOnWhereTheMessageSitsInItsBuffer() {
    // The same frames at an offset inside a larger buffer, with other bytes around them.
    Random random = new Random(15);
    byte[] frames = Hex.buffer("02 0007 0000 0000 0001 0000" + "00 0007 0001 0000 0001 0002 6869").array();
    byte[] around = new byte[frames.length + 40];
    random.nextBytes(around);
    System.arraycopy(frames, 0, around, 17, frames.length);
    ByteBuffer message = ByteBuffer.wrap(around, 17, frames.length);
    List<String> out = new ArrayList<>();
    Coalescing.split(message, frame -> out.add(Hex.of(frame)));
    assertEquals(List.of("0200070000000000010000", "00000700010000000100026869"), out);
    assertEquals(17 + frames.length, message.limit());
  }
}
