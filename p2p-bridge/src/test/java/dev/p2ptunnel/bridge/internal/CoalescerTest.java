package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Coalescing through the one way out: exact bytes of coalesced messages, when they go out, and their size limit. */
class CoalescerTest {
  private final RecordingChannel channel = new RecordingChannel();
  private final Counters counters = new Counters();
  private final Outbound outbound = new Outbound(channel, counters, new ManualTicker(), 65_536);

  @Test
  void shouldSendOneFramePerMessageUntilThePeerSplits() throws Exception {
    try (TestStreams streams = new TestStreams()) {
      Stream stream = streams.stream(7);
      outbound.sendEvent(Frame.EVENT_CONNECT, 7);
      outbound.payloadBuffer(100).put(ascii("hi"));
      outbound.sendData(stream, 2);
      assertEquals(List.of("0200070000000000010000", "00000700010000000100026869"), channel.hex,
          "each frame a message of its own, at once, as the original app sends");
    }
  }

  @Test
  void shouldPutTheFramesOfOneTurnIntoOneMessage() throws Exception {
    outbound.coalesce(65_536);
    try (TestStreams streams = new TestStreams()) {
      Stream seven = streams.stream(7);
      Stream eight = streams.stream(8);
      outbound.sendEvent(Frame.EVENT_CONNECT, 7);
      outbound.payloadBuffer(100).put(ascii("hi"));
      outbound.sendData(seven, 2);
      outbound.sendExtension(Extensions.window(7, 0x8000));
      outbound.payloadBuffer(100).put(ascii("!"));
      outbound.sendData(eight, 1);
      assertEquals(List.of(), channel.hex, "nothing goes out before the turn ends");
      outbound.flush();
      assertEquals(List.of("02" + "0007" + "0000" + "0000" + "0001" + "0000"
          + "00" + "0007" + "0001" + "0000" + "0001" + "0002" + "6869"
          + "11" + "0007" + "0000" + "0000" + "0001" + "0004" + "00008000"
          + "00" + "0008" + "0000" + "0000" + "0001" + "0001" + "21"), channel.hex);
      assertEquals(1, counters.messagesToPeer);
      assertEquals(3, counters.bytesToPeer);
      outbound.flush();
      assertEquals(1, channel.hex.size(), "an empty turn sends nothing");
    }
  }

  @Test
  void shouldSendAFullMessageAndGiveAReadTheRoomThatIsLeft() throws Exception {
    outbound.coalesce(65_536);
    try (TestStreams streams = new TestStreams()) {
      Stream bulk = streams.stream(1);
      ByteBuffer room = outbound.payloadBuffer(Frame.MAX_PAYLOAD_LENGTH);
      assertEquals(Frame.MAX_PAYLOAD_LENGTH, room.remaining(), "an empty message: room for a whole frame");
      room.put(new byte[1_000]);
      outbound.sendData(bulk, 1_000);
      room = outbound.payloadBuffer(Frame.MAX_PAYLOAD_LENGTH);
      assertEquals(65_536 - 1_011 - Frame.HEADER_LENGTH, room.remaining(), "the rest of the message");
      room.put(new byte[room.remaining()]);
      outbound.sendData(bulk, 65_536 - 1_011 - Frame.HEADER_LENGTH);
      assertEquals(1, channel.hex.size(), "a full message goes out at once");
      assertEquals(65_536 * 2, channel.hex.get(0).length());
      assertEquals(2, channel.frames.size());
    }
  }

  @Test
  void shouldStartANewMessageRatherThanCutASmallFrame() throws Exception {
    outbound.coalesce(65_536);
    try (TestStreams streams = new TestStreams()) {
      Stream bulk = streams.stream(1);
      int first = 65_536 - Frame.HEADER_LENGTH * 2 - (Coalescer.MIN_READ_ROOM - 1);
      outbound.payloadBuffer(Frame.MAX_PAYLOAD_LENGTH).put(new byte[first]);
      outbound.sendData(bulk, first);
      assertEquals(0, channel.hex.size());
      ByteBuffer room = outbound.payloadBuffer(Frame.MAX_PAYLOAD_LENGTH);
      assertEquals(1, channel.hex.size(), "less than MIN_READ_ROOM left: the message went out first");
      assertEquals(Frame.MAX_PAYLOAD_LENGTH, room.remaining());
      room.put(new byte[first]);
      outbound.sendData(bulk, first);
      ByteBuffer small = outbound.payloadBuffer(100);
      assertEquals(100, small.remaining(), "a read that wants little fits a nearly full message");
      assertEquals(1, channel.hex.size());
    }
  }

  @Test
  void shouldNeverCoalesceAboveWhatTheChannelCarries() {
    Outbound big = new Outbound(channel, counters, new ManualTicker(), 256 * 1024);
    big.coalesce(256 * 1024);
    for (int i = 0; i < 10_000; i++) {
      big.sendExtension(Extensions.window(1, 1 + i)); // 15 bytes each
    }
    big.flush();
    assertEquals(10_000, channel.frames.size());
    for (String message : channel.hex) {
      assertTrue(message.length() / 2 <= 65_536, "message of " + message.length() / 2 + " bytes > channel's 65536");
    }
    assertEquals(3, channel.hex.size(), "150 000 bytes in messages of at most 65 536");
  }

  @Test
  void shouldUseLongerMessagesWhenTheChannelCarriesThem() {
    channel.maxMessage = 256 * 1024;
    Outbound big = new Outbound(channel, counters, new ManualTicker(), 128 * 1024);
    big.coalesce(128 * 1024);
    for (int i = 0; i < 10_000; i++) {
      big.sendExtension(Extensions.window(1, 1 + i));
    }
    big.flush();
    assertEquals(List.of(131_070, 18_930),
        channel.hex.stream().map(h -> h.length() / 2).toList(), "the configured 128 KiB, not the channel's 256");
  }

  @Test
  void shouldNotCoalesceWhenConfiguredOff() {
    Outbound off = new Outbound(channel, counters, new ManualTicker(), 0);
    off.coalesce(0);
    off.sendExtension(Extensions.window(1, 1));
    off.sendExtension(Extensions.window(1, 2));
    assertEquals(2, channel.hex.size());
  }

  @Test
  void shouldNoticeAClosedChannelWhenTheMessageGoesOut() {
    outbound.coalesce(65_536);
    channel.open = false;
    outbound.sendEvent(Frame.EVENT_CONNECT, 1);
    assertEquals(0, channel.hex.size(), "held for the end of the turn");
    outbound.flush();
    assertEquals(0, counters.messagesToPeer, "refused by the closed channel");
    assertFalse(outbound.writable());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
