package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.p2ptunnel.bridge.InMemoryChannel;
import dev.p2ptunnel.bridge.PeerLimits;
import dev.p2ptunnel.bridge.RateLimit;
import dev.p2ptunnel.protocol.Reassembler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The option classes: defaults, copies through {@code toBuilder()}, and bad values named with their limit. */
class OptionsTest {
  private final InMemorySignaling signaling = new InMemorySignaling();

  @Test
  void shouldDefaultTheCloseBoundsToTenAndFifteenSeconds() {
    HostOptions host = HostOptions.builder("127.0.0.1", 9).signaling(signaling).build();
    assertEquals(Duration.ofSeconds(15), host.closeTimeout());
    assertEquals(Duration.ofSeconds(10), host.clientCloseTimeout());
    assertEquals(Duration.ofSeconds(10), ClientOptions.builder(0).signaling(signaling).build().closeTimeout());
  }

  @Test
  void shouldRejectCloseBoundsOutOfRangeNamingThem() {
    assertEquals("closeTimeout: PT0S (expected: > 0 and <= PT10M)", assertThrows(IllegalArgumentException.class,
        () -> HostOptions.builder("127.0.0.1", 9).signaling(signaling).closeTimeout(Duration.ZERO).build())
        .getMessage());
    assertEquals("closeTimeout: PT11M (expected: > 0 and <= PT10M)", assertThrows(IllegalArgumentException.class,
        () -> ClientOptions.builder(0).signaling(signaling).closeTimeout(Duration.ofMinutes(11)).build())
        .getMessage());
    assertEquals("clientCloseTimeout: PT20S (expected: <= closeTimeout PT15S, the bound of the host's close as a "
        + "whole)", assertThrows(IllegalArgumentException.class, () -> HostOptions.builder("127.0.0.1", 9)
        .signaling(signaling).clientCloseTimeout(Duration.ofSeconds(20)).build()).getMessage());
  }

  @Test
  void shouldCopyEverySettingThroughToBuilder() {
    TunnelListener events = event -> { };
    HostOptions host = HostOptions.builder("127.0.0.1", 9).signaling(signaling).maxClients(3).stayOpen(true)
        .events(events).closeTimeout(Duration.ofSeconds(30)).clientCloseTimeout(Duration.ofSeconds(5)).build();
    HostOptions copy = host.toBuilder().build();
    assertEquals(host.toString(), copy.toString());
    assertSame(host.identity(), copy.identity(), "the identity, not a new one");
    assertSame(events, copy.events());
    assertEquals(3, host.toBuilder().maxClients(2).build().maxClients() + 1, "a changed copy");
    ClientOptions client = ClientOptions.builder(0).signaling(signaling).name("alice").pairing(false)
        .closeTimeout(Duration.ofSeconds(3)).events(events).build();
    ClientOptions clientCopy = client.toBuilder().build();
    assertEquals(client.toString(), clientCopy.toString());
    assertSame(client.identity(), clientCopy.identity());
  }

  @Test
  void shouldCompareValueOptionsByValue() {
    WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of()).portRange(40_000, 40_100).build();
    assertEquals(config, config.toBuilder().build());
    assertEquals(config.hashCode(), config.toBuilder().build().hashCode());
    assertNotEquals(config, config.withConnectTimeout(Duration.ofSeconds(3)));
    WebRtcConfig.Reconnect reconnect = WebRtcConfig.Reconnect.builder().iceRestartInterval(Duration.ofSeconds(2))
        .build();
    assertEquals(reconnect, reconnect.toBuilder().build());
    assertEquals(WebRtcConfig.Reconnect.defaults(), WebRtcConfig.Reconnect.builder().build());
    assertEquals(PeerLimits.defaults().withMaxSockets(9), PeerLimits.builder().maxSockets(9).build());
    assertEquals(Reassembler.Limits.defaults(), Reassembler.Limits.builder().build());
    assertEquals(InMemoryChannel.Config.defaults(), InMemoryChannel.Config.defaults().toBuilder().build());
  }

  @Test
  void shouldRejectBadValuesNamingTheFieldTheValueAndTheLimit() {
    assertEquals("rejoinBackoffMax: PT1S (expected: >= rejoinBackoffMin PT2S)", assertThrows(
        IllegalArgumentException.class, () -> WebRtcConfig.Reconnect.builder()
            .rejoinBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build()).getMessage());
    assertEquals("maxSockets: 0 (expected: 1..65536)", assertThrows(IllegalArgumentException.class,
        () -> PeerLimits.builder().maxSockets(0).connects(new RateLimit(1, 1)).build()).getMessage());
    assertEquals("sendQueueLimitBytes: 10 (expected: >= highWatermarkBytes 100)", assertThrows(
        IllegalArgumentException.class, () -> InMemoryChannel.Config.builder().watermarks(100, 10)
            .sendQueueLimitBytes(10).build()).getMessage());
    assertEquals("maxBufferedBytesPerSocket: 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
        () -> Reassembler.Limits.builder().maxBufferedBytes(0, 1).build()).getMessage());
    assertEquals("maxClients: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
        () -> HostOptions.builder("127.0.0.1", 9).signaling(signaling).maxClients(0).build()).getMessage());
  }
}
