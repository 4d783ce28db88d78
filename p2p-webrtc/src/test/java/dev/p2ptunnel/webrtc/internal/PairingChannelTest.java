package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2ptunnel.bridge.InMemoryChannel;
import org.junit.jupiter.api.Test;

/** The channel the bridge runs on after in-channel pairing shows the bridge what the channel under it carries. */
class PairingChannelTest {
  @Test
  void shouldOfferTheBridgeTheLongestMessageThePeerTakes() {
    InMemoryChannel.Pair pair = InMemoryChannel.pair();
    try {
      PairingChannel pairing = new PairingChannel(pair.first(), "test");
      // The bridge coalesces up to this length: a wrapper that said 64 KiB kept coalesced messages at one frame's
      // size although the peer takes 256 KiB.
      assertEquals(InMemoryChannel.MAX_MESSAGE_BYTES, pair.first().maxMessageLength(), "the channel under it");
      assertEquals(InMemoryChannel.MAX_MESSAGE_BYTES, pairing.maxMessageLength());
    } finally {
      pair.first().close("test over");
    }
  }
}
