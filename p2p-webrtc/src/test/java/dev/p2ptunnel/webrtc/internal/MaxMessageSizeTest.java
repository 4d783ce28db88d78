package dev.p2ptunnel.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The longest message a peer takes, read from its description (RFC 8841), as the channel's send limit. */
class MaxMessageSizeTest {
  private static final String SDP = "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
      + "a=sctp-port:5000\r\n";

  @Test
  void shouldUseWhatThePeerAnnounces() {
    assertEquals(262_144, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:262144\r\n"));
    assertEquals(100_000, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:100000\r\n"));
  }

  @Test
  void shouldAssumeSixtyFourKibWithoutTheAttribute() {
    assertEquals(65_536, DataChannelMessageChannel.maxMessageSize(SDP));
    assertEquals(65_536, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:\r\n"));
  }

  @Test
  void shouldCapWhatIsLargerOrUnlimitedAndNeverGoBelowOneFrame() {
    assertEquals(262_144, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:1073741823\r\n"));
    assertEquals(262_144, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:0\r\n"), "0: any size");
    assertEquals(262_144, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:99999999999999999\r\n"));
    assertEquals(65_536, DataChannelMessageChannel.maxMessageSize(SDP + "a=max-message-size:16384\r\n"));
  }
}
