package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that vanishes without closing (its network goes away, inside this test's own namespace) closes the session
 * once the connection has stayed disconnected for the configured time.
 */
class PeerVanishTest {
  @BeforeEach
  void needsNamespace() {
    TestNetns.assumeNamespace();
  }

  @Test
  void shouldCloseBothSessionsWhenPeerStopsAnswering() throws Exception {
    WebRtcConfig config = WebRtcConfig.builder().iceServers(List.of())
        .disconnectTimeout(Duration.ofSeconds(1)).build();
    WebRtcSession[] pair = TestNetns.connectedPair(config);
    Endpoint atA = new Endpoint(-1);
    TestNetns.channel(pair[0]).start(atA);
    TestNetns.channel(pair[1]).start(new Endpoint(-1));
    long t0 = System.nanoTime();
    // This JVM's own namespace: remove both addresses and take the veth pair down. Setting the links down alone
    // kept the connection alive (the traffic between the two addresses never crosses the veth wire).
    assertEquals(0, run("ip", "addr", "flush", "dev", "p2pt-a"));
    assertEquals(0, run("ip", "addr", "flush", "dev", "p2pt-b"));
    assertEquals(0, run("ip", "link", "set", "p2pt-a", "down"));
    assertEquals(0, run("ip", "link", "set", "p2pt-b", "down"));
    try {
      String reason = pair[0].closed().get(40, TimeUnit.SECONDS);
      System.out.printf("vanished peer detected after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, reason);
      assertTrue(reason.equals("peer unreachable: connection disconnected for PT1S")
          || reason.equals("connection failed (ICE or DTLS)"), reason);
      assertEquals(reason, atA.closed.get(5, TimeUnit.SECONDS));
      pair[1].closed().get(60, TimeUnit.SECONDS);
    } finally {
      pair[0].close();
      pair[1].close();
    }
  }

  private static int run(String... command) throws InterruptedException {
    try {
      return new ProcessBuilder(command).inheritIO().start().waitFor();
    } catch (IOException e) {
      return -1;
    }
  }
}
