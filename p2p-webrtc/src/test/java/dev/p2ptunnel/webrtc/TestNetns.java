package dev.p2ptunnel.webrtc;

import dev.p2ptunnel.bridge.MessageChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Test support: the namespace check and the config every real-channel test uses (no ICE servers). */
final class TestNetns {
  private TestNetns() {}

  /** Skips the calling test, saying why, unless scripts/netns-java started this JVM in a fresh namespace. */
  static void assumeNamespace() {
    String ns = System.getenv("P2P_TEST_NETNS");
    if (ns == null || ns.isEmpty()) {
      String why = System.getenv("P2P_TEST_NETNS_UNAVAILABLE");
      String reason = "SKIPPED: needs a test network namespace (libwebrtc gathers no loopback candidates): "
          + (why == null ? "JVM not started through scripts/netns-java" : why);
      System.err.println(reason);
      Assumptions.abort(reason);
    }
  }

  /** Host candidates only: nothing leaves the namespace. */
  static WebRtcConfig config() {
    return WebRtcConfig.builder().iceServers(List.of()).build();
  }

  /** An offerer and an answerer, connected through in-process signaling, channels open. */
  static WebRtcSession[] connectedPair(WebRtcConfig config) {
    WebRtcSession offerer = WebRtcSession.offer(config);
    WebRtcSession answerer = WebRtcSession.answer(config, offerer.localDescription());
    offerer.acceptAnswer(answerer.localDescription());
    offerer.dataChannel(Duration.ofSeconds(10));
    answerer.dataChannel(Duration.ofSeconds(10));
    return new WebRtcSession[] {offerer, answerer};
  }

  static MessageChannel channel(WebRtcSession session) {
    return session.dataChannel(Duration.ofSeconds(10));
  }
}
