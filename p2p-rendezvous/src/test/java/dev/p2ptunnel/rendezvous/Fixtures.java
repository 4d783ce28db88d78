package dev.p2ptunnel.rendezvous;

import dev.p2ptunnel.webrtc.JoinAnswer;
import dev.p2ptunnel.webrtc.JoinChallenge;
import dev.p2ptunnel.webrtc.JoinOffer;
import dev.p2ptunnel.webrtc.JoinReveal;
import dev.p2ptunnel.webrtc.SessionDescription;
import dev.p2ptunnel.webrtc.ShortAuthString;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Join messages with recognisable contents (no WebRTC needed to carry them), and configurations for tests. */
final class Fixtures {
  static final String NAME = "Zoë the client";
  static final String CLIENT_FP = "sha-256 " + "C1:".repeat(31) + "C1";
  static final String HOST_FP = "sha-256 " + "4B:".repeat(31) + "4B";
  static final String OFFER_SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=fingerprint:" + CLIENT_FP + "\r\n"
      + "a=candidate:1 1 udp 2122260223 192.168.20.2 50000 typ host\r\n";
  static final String ANSWER_SDP = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\na=fingerprint:" + HOST_FP + "\r\n"
      + "a=candidate:1 1 udp 2122260223 192.168.10.2 50001 typ host\r\n";

  private Fixtures() {}

  static final byte[] CLIENT_NONCE = bytes(0x11);
  static final byte[] HOST_NONCE = bytes(0x22);

  static byte[] bytes(int fill) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, (byte) fill);
    return out;
  }

  static JoinOffer offer() {
    return offer(NAME);
  }

  static JoinOffer offer(String name) {
    return new JoinOffer(name, new SessionDescription(SessionDescription.Type.OFFER, OFFER_SDP),
        ShortAuthString.commitment(CLIENT_NONCE));
  }

  static JoinChallenge challenge() {
    return new JoinChallenge(HOST_FP, HOST_NONCE);
  }

  static JoinReveal reveal() {
    return new JoinReveal(CLIENT_NONCE, new byte[] {1, 2, 3}, new byte[] {4, 5});
  }

  static JoinAnswer answer() {
    return new JoinAnswer(new SessionDescription(SessionDescription.Type.ANSWER, ANSWER_SDP), null);
  }

  static RendezvousConfig.Builder config(Mosquitto... brokers) {
    return RendezvousConfig.builder(java.util.Arrays.stream(brokers).map(Mosquitto::uri).toList())
        .findTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(3));
  }

  static RendezvousConfig.Builder config(List<URI> brokers) {
    return RendezvousConfig.builder(brokers).findTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(3));
  }
}
