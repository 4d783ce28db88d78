package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code netlab.sh up symmetric}: the client's router gives every new 5-tuple a random port, so the port STUN
 * reported is useless to the host. STUN alone must fail with a clear message; with TURN the path is relayed.
 */
@ResourceLock(NetLab.LOCK)
@Timeout(120)
class SymmetricLabIT {
  /**
   * The connect timeout the STUN-only scenario gives both sides ({@code --connect-timeout}; default 15 s): the subject
   * is the clear failure and its advice, not how long the default takes.
   */
  private static final String CONNECT_TIMEOUT = "5s";
  /** The client gives up after the connect timeout plus the token exchange. Generous on top, still bounded. */
  private static final Duration FAILURE_BOUND = Duration.ofSeconds(40);

  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("symmetric");

  @Test
  void shouldFailCleanlyWithAClearMessageWhenOnlyStunIsGiven() throws Exception {
    try (LabTunnel tunnel = LabTunnel.launch(lab(), "symmetric-stun", List.of("--stun", lab().get("STUN"),
        "--connect-timeout", CONNECT_TIMEOUT))) {
      long start = System.currentTimeMillis();
      Integer code = tunnel.client().awaitExit(FAILURE_BOUND);
      long ms = System.currentTimeMillis() - start;
      assertEquals(1, code, "client exit code when no path exists (null: still running after " + FAILURE_BOUND
          + ")");
      List<String> errors = tunnel.client().stderr();
      assertEquals(1, errors.size(), "one line: " + errors);
      String error = errors.get(0);
      LabResults.record(lab().variant(), "stun-only failed_after_ms=" + ms + " (answer given to exit 1): " + error);
      // The reason is the tunnel's close reason (the DataChannel did not open within the connect timeout), and the
      // advice points at what fixes a symmetric NAT: a TURN relay.
      assertTrue(error.startsWith("p2p-tunnel: the tunnel did not open: "), error);
      assertTrue(error.endsWith("or use a TURN relay (--turn URL --turn-user U --turn-pass P)"), error);
      assertTrue(tunnel.client().stdout().stream().noneMatch(line -> line.startsWith("Connect your app to")),
          "the client never offered its port: " + tunnel.client().stdout());
      assertTrue(tunnel.host().alive(), "the host outlives a client that could not connect");
    }
  }

  @Test
  void shouldRelayThroughTurnAndCarry20Mb() throws Exception {
    List<String> ice = List.of("--stun", lab().get("STUN"), "--turn", lab().get("TURN"), "--turn-user",
        lab().get("TURN_USER"), "--turn-pass", lab().get("TURN_PASS"));
    try (LabTunnel tunnel = LabTunnel.open(lab(), "symmetric-turn", ice)) {
      tunnel.assertPath("relayed");
      tunnel.download(20_000_000L, 2, Duration.ofSeconds(60));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\ncoturn stderr (udp send errors close allocations, "
          + "docs/NETLAB.md):\n" + lab().turnStderrTail(), e);
    }
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}
