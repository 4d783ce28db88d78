package dev.p2ptunnel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Golden vectors of our extension messages. */
class ExtensionsTest {

  @Test
  void shouldEncodeHelloOnSocketZeroWithVersionAndFeatures() throws ProtocolException {
    // HELLO (0x10), socket 0, chunk 0, 1 of 1, 5 bytes: version 1, features 0x00000007.
    assertEquals("10 0000 0000 0000 0001 0005 01 00000007".replace(" ", ""),
        Hex.of(Extensions.hello(Extensions.ALL_FEATURES)));
    assertEquals(7, Extensions.helloFeatures(Extensions.hello(7)));
    assertEquals(1, Extensions.helloVersion(Extensions.hello(7)));
  }

  @Test
  void shouldAnnounceCoalescingAsBitEight() throws ProtocolException {
    // What our bridge sends: the three features above and COALESCE (8), features 0x0000000f.
    assertEquals("10 0000 0000 0000 0001 0005 01 0000000f".replace(" ", ""),
        Hex.of(Extensions.hello(Extensions.SUPPORTED_FEATURES)));
    assertEquals(8, Extensions.FEATURE_COALESCE);
  }

  @Test
  void shouldAcceptLongerHelloFromALaterVersion() throws ProtocolException {
    // Version 2 with one more byte: the features are read, the rest ignored.
    assertEquals(3, Extensions.helloFeatures(Hex.buffer("10 0000 0000 0000 0001 0006 02 00000003 ff")));
  }

  @Test
  void shouldEncodeWindowAsUnsigned32BitIncrement() throws ProtocolException {
    // WINDOW (0x11), socket 9, increment 0x80000000.
    assertEquals("11 0009 0000 0000 0001 0004 80000000".replace(" ", ""),
        Hex.of(Extensions.window(9, 0x8000_0000L)));
    assertEquals(0x8000_0000L, Extensions.windowIncrement(Extensions.window(9, 0x8000_0000L)));
  }

  @Test
  void shouldEncodeFinAndPingPong() throws ProtocolException {
    assertEquals("12 0009 0000 0000 0001 0000".replace(" ", ""), Hex.of(Extensions.fin(9)));
    assertEquals("13 0000 0000 0000 0001 0008 0102030405060708".replace(" ", ""),
        Hex.of(Extensions.ping(false, 0x0102030405060708L)));
    assertEquals(-2L, Extensions.pingNonce(Extensions.ping(true, -2L)));
    assertEquals(Frame.EVENT_PONG, Frame.event(Extensions.ping(true, 1)));
  }

  @Test
  void shouldRejectMalformedExtensionPayloadsNamingThem() {
    assertEquals("HELLO payload_size 2 < 5 (socket 0)", assertThrows(ProtocolException.class,
        () -> Extensions.helloFeatures(Hex.buffer("10 0000 0000 0000 0001 0002 0100"))).getMessage());
    assertEquals("WINDOW payload_size 3 != 4 (socket 4)", assertThrows(ProtocolException.class,
        () -> Extensions.windowIncrement(Hex.buffer("11 0004 0000 0000 0001 0003 000001"))).getMessage());
    assertEquals("WINDOW increment 0 < min 1 (socket 4)", assertThrows(ProtocolException.class,
        () -> Extensions.windowIncrement(Hex.buffer("11 0004 0000 0000 0001 0004 00000000"))).getMessage());
    assertEquals("PING payload_size 0 != 8 (socket 0)", assertThrows(ProtocolException.class,
        () -> Extensions.pingNonce(Hex.buffer("13 0000 0000 0000 0001 0000"))).getMessage());
  }
}
