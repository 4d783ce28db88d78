package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: a total outage of this JVM's network namespace (scripts/netns-java made it): iptables drops every
 * packet that does not come from loopback, which is all of WebRTC's traffic, while the tests' own services and
 * signaling servers on 127.0.0.1 stay reachable. {@link #endIfUnderWay()} is for an {@code @AfterEach}. Used from the
 * test thread only.
 */
final class Outage {
  /** Every packet into the namespace that does not come from loopback. */
  private static final List<String> RULE = List.of("!", "-s", "127.0.0.0/8", "-j", "DROP");

  private boolean down;

  /** Starts the outage: the drop rule goes first in INPUT. */
  void begin() throws IOException, InterruptedException {
    iptables(List.of("-I", "INPUT", "1"));
    down = true;
  }

  /** Ends it: the rule is deleted. */
  void end() throws IOException, InterruptedException {
    iptables(List.of("-D", "INPUT"));
    down = false;
  }

  /** Ends the outage if one is under way. */
  void endIfUnderWay() throws IOException, InterruptedException {
    if (down) {
      end();
    }
  }

  private static void iptables(List<String> where) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("iptables", "-w"));
    command.addAll(where);
    command.addAll(RULE);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still running: " + command);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), "iptables: " + output);
  }
}
