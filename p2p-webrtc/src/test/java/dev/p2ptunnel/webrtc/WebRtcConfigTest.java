package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebRtcConfigTest {
  @Test
  void shouldDefaultToPublicStunAndSafeSendQueue() {
    WebRtcConfig c = WebRtcConfig.builder().build();
    assertEquals(WebRtcConfig.DEFAULT_ICE_SERVERS, c.iceServers());
    assertEquals(256L << 10, c.highWatermarkBytes());
    assertEquals(64L << 10, c.lowWatermarkBytes());
    assertEquals(12L << 20, c.sendLimitBytes());
  }

  @Test
  void shouldNeverPrintTurnCredential() {
    WebRtcConfig.IceServer turn = WebRtcConfig.IceServer.turn("turn:example.org:3478", "user", "secret");
    assertEquals("IceServer[urls=[turn:example.org:3478], username=user, credential=***]", turn.toString());
  }

  @Test
  void shouldRejectSendLimitAtOrPastLibwebrtcLimit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebRtcConfig.builder().sendQueue(4L << 20, 1L << 20, 16L << 20).build());
    assertEquals("sendLimitBytes: 16777216 (expected: highWatermarkBytes 4194304 + 65536 <= limit <= 15728640)",
        e.getMessage());
  }

  @Test
  void shouldRejectLowWatermarkAtOrAboveHigh() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebRtcConfig.builder().sendQueue(1 << 20, 1 << 20, 8 << 20).build());
    assertEquals("lowWatermarkBytes: 1048576 (expected: 0 <= low < highWatermarkBytes 1048576)", e.getMessage());
  }

  @Test
  void shouldRejectHalfOpenPortRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebRtcConfig.builder().portRange(0, 50000).build());
    assertEquals("port range: 0-50000 (expected: 0-0 for any, or 1 <= minPort <= maxPort <= 65535)",
        e.getMessage());
  }

  @Test
  void shouldRejectZeroTimeout() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebRtcConfig.builder().connectTimeout(Duration.ZERO).build());
    assertEquals("connectTimeout: PT0S (expected: > 0)", e.getMessage());
  }

  @Test
  void shouldRejectUnknownIceUrlScheme() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebRtcConfig.builder().iceServers(List.of(WebRtcConfig.IceServer.stun("http://x"))).build());
    assertEquals("url: http://x (expected: stun:, stuns:, turn: or turns:)", e.getMessage());
  }
}
