package dev.p2ptunnel.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

  @Test
  void shouldDefaultToWhatTheDocsSay() {
    BridgeConfig config = BridgeConfig.defaults();
    assertEquals(true, config.extensions());
    assertEquals(1 << 20, config.receiveWindowBytes());
    assertEquals(16L << 20, config.maxPendingBytesPerSocket());
    assertEquals(256L << 20, config.maxPendingBytesTotal());
    assertEquals(64L << 20, config.maxInboundQueueBytes());
    assertEquals(BridgeConfig.InboundOverflow.CLOSE, config.inboundOverflow());
    assertEquals(Duration.ofSeconds(5), config.keepaliveInterval());
    assertEquals(Duration.ofSeconds(15), config.keepaliveTimeout());
    assertEquals(Duration.ofSeconds(10), config.connectTimeout());
  }

  @Test
  void shouldCopyEverySettingThroughToBuilder() {
    BridgeListener listener = new BridgeListener() {};
    BridgeConfig config = BridgeConfig.builder().extensions(false).receiveWindowBytes(2 << 20)
        .maxPendingBytesPerSocket(1 << 20).maxPendingBytesTotal(8 << 20)
        .inboundQueue(1 << 20, BridgeConfig.InboundOverflow.BLOCK)
        .keepalive(Duration.ofSeconds(1), Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(2))
        .listener(listener).build();
    assertEquals(config, config.toBuilder().build());
    assertEquals(config.hashCode(), config.toBuilder().build().hashCode());
    assertNotEquals(config, config.toBuilder().extensions(true).build());
    assertNotEquals(config, config.toBuilder().maxCoalescedBytes(0).build());
    assertEquals(0, config.toBuilder().maxCoalescedBytes(0).build().maxCoalescedBytes());
    assertEquals(BridgeConfig.InboundOverflow.BLOCK, config.toBuilder().build().inboundOverflow());
  }

  @Test
  void shouldNameTheSettingTheValueAndTheBound() {
    assertEquals("receiveWindowBytes: 1000 (expected: >= 262144)", fails(BridgeConfig.builder().receiveWindowBytes(1000)));
    assertEquals("maxPendingBytesPerSocket: 10 (expected: >= 65536)",
        fails(BridgeConfig.builder().maxPendingBytesPerSocket(10)));
    assertEquals("maxPendingBytesTotal: 65536 (expected: >= maxPendingBytesPerSocket 16777216)",
        fails(BridgeConfig.builder().maxPendingBytesTotal(65_536)));
    assertEquals("maxInboundQueueBytes: 65536 (expected: >= 65664, one largest message and its bookkeeping)",
        fails(BridgeConfig.builder().inboundQueue(65_536, BridgeConfig.InboundOverflow.CLOSE)));
    assertEquals("keepaliveTimeout: PT5S (expected: > keepaliveInterval PT5S)",
        fails(BridgeConfig.builder().keepalive(Duration.ofSeconds(5), Duration.ofSeconds(5))));
    assertEquals("maxCoalescedBytes: 4096 (expected: 0 for one frame per message, or 65536..16777216)",
        fails(BridgeConfig.builder().maxCoalescedBytes(4096)));
    assertEquals("connectTimeout: PT0S (expected: > 0)", fails(BridgeConfig.builder().connectTimeout(Duration.ZERO)));
    assertEquals("inboundOverflow", assertThrows(NullPointerException.class,
        () -> BridgeConfig.builder().inboundQueue(1 << 20, null).build()).getMessage());
  }

  private static String fails(BridgeConfig.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }
}
