package dev.p2ptunnel.bridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.protocol.Extensions;
import dev.p2ptunnel.protocol.Frame;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NegotiationTest {

  @Test
  void shouldUseWhatBothSidesAnnounce() {
    Negotiation negotiation = new Negotiation(true);
    assertFalse(negotiation.decided());
    assertEquals(Extensions.FEATURE_FLOW_CONTROL | Extensions.FEATURE_KEEPALIVE,
        negotiation.decide(Extensions.hello(Extensions.FEATURE_FLOW_CONTROL | Extensions.FEATURE_KEEPALIVE | 64)));
    assertTrue(negotiation.flowControl());
    assertFalse(negotiation.halfClose());
    assertTrue(negotiation.keepalive());
  }

  @Test
  void shouldTakeAnyOtherFirstMessageForAnOriginalPeer() {
    Negotiation negotiation = new Negotiation(true);
    ByteBuffer connect = Frame.encode(Frame.EVENT_CONNECT, 7, 0, 0, 1, ByteBuffer.allocate(0));
    assertEquals(0, negotiation.decide(connect));
    assertEquals(0, connect.position(), "the message is not consumed: it is handled afterwards");
    assertTrue(negotiation.decided());
  }

  @Test
  void shouldTakeAMalformedHelloForAnOriginalPeer() {
    Negotiation negotiation = new Negotiation(true);
    // HELLO with a 2-byte payload: too short for version + features.
    assertEquals(0, negotiation.decide(ByteBuffer.wrap(HexFormat.of().parseHex("1000000000000000010002" + "0100"))));
  }

  @Test
  void shouldUseNothingWhenOurExtensionsAreOff() {
    Negotiation negotiation = new Negotiation(false);
    assertEquals(0, negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES)));
  }

  @Test
  void shouldHandOverOnlyTheSocketsOpenedBeforeTheDecision() throws Exception {
    Negotiation negotiation = new Negotiation(true);
    try (TestStreams streams = new TestStreams()) {
      Stream early = streams.stream(1);
      negotiation.opened(early);
      negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES));
      negotiation.opened(streams.stream(2));
      assertEquals(java.util.List.of(early), negotiation.openedBefore());
      assertEquals(java.util.List.of(), negotiation.openedBefore(), "handed over once");
    }
  }

  @Test
  void shouldDecideOnce() {
    Negotiation negotiation = new Negotiation(true);
    negotiation.decide(Extensions.hello(Extensions.ALL_FEATURES));
    assertEquals("negotiation: already decided (features 7)", assertThrows(IllegalStateException.class,
        () -> negotiation.decide(Extensions.hello(0))).getMessage());
  }
}
