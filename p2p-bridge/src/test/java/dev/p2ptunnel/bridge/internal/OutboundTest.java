package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one way out: exact bytes, chunk ids per socket, counting, writability. */
class OutboundTest {
  private final RecordingChannel channel = new RecordingChannel();
  private final Counters counters = new Counters();
  private final ManualTicker ticker = new ManualTicker();
  private final Outbound outbound = new Outbound(channel, counters, ticker, 0);

  @Test
  void shouldFrameEachMessageWithTheSocketsNextChunkId() throws Exception {
    try (TestStreams streams = new TestStreams()) {
      Stream stream = streams.stream(0x1234);
      outbound.sendEvent(Frame.EVENT_CONNECT, 0x1234);
      outbound.payloadBuffer(100).put("hi".getBytes(StandardCharsets.US_ASCII));
      outbound.sendData(stream, 2);
      outbound.sendExtension(Extensions.window(0x1234, 1000));
      outbound.sendEvent(Frame.EVENT_CLOSE, 0x1234);
      assertEquals(List.of(
          "02123400000000000100" + "00",
          "00123400010000000100" + "026869",
          "11123400000000000100" + "04000003e8",
          "01123400020000000100" + "00"), channel.hex, "extension frames take no chunk id");
      assertEquals(2, stream.bytes.toPeer);
      assertEquals(2, counters.bytesToPeer);
      assertEquals(4, counters.messagesToPeer);
      outbound.resetChunkIds(0x1234);
      outbound.sendEvent(Frame.EVENT_CONNECT, 0x1234);
      assertEquals("02123400000000000100" + "00", channel.hex.get(4), "a freed id starts again at chunk id 0");
    }
  }

  @Test
  void shouldNoticeWhenTheChannelStopsTakingAndWhenItDrains() {
    channel.unwritableAfter = 2;
    outbound.sendExtension(Extensions.ping(false, 1));
    assertTrue(outbound.writable());
    outbound.sendExtension(Extensions.ping(false, 2));
    assertFalse(outbound.writable());
    assertEquals(ticker.nanoTime() + Outbound.BLOCKED_POLL_NANOS, outbound.pollDeadlineNanos());
    assertFalse(outbound.pollWritable(ticker.nanoTime()), "not before the poll interval");
    channel.writable = true;
    ticker.advance(Duration.ofMillis(10));
    assertTrue(outbound.pollWritable(ticker.nanoTime()), "a missed signal is caught by polling");
    assertFalse(outbound.markWritable(), "already writable");
    assertEquals(Long.MAX_VALUE, outbound.pollDeadlineNanos());
  }

  @Test
  void shouldNotCountWhatAClosedChannelRefused() {
    channel.open = false;
    outbound.sendEvent(Frame.EVENT_CONNECT, 1);
    assertEquals(0, counters.messagesToPeer);
  }
}
