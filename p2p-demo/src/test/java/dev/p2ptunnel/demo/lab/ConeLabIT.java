package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code netlab.sh up cone}: host and client each behind a port-restricted cone NAT, STUN only. The common case:
 * hole punching must give a direct path. Also where the host dies. Setup time (host start to the first byte through
 * the client) is recorded for every tunnel a lab test opens ({@link LabTunnel#open}); scripts/bench-e2e.sh measures it
 * over ten runs.
 */
@ResourceLock(NetLab.LOCK)
@Timeout(120)
class ConeLabIT {
  /**
   * The keepalive the host-kill scenario gives both sides (the demo's --keepalive INTERVAL,TIMEOUT): what it proves is
   * that the configured timeout ends the tunnel, not how long the default (5 s, 15 s) takes.
   */
  private static final String KEEPALIVE = "2s,6s";
  private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(6);
  /** Slack on top of it for JVM scheduling on 2 busy cores; a sanity bound, not a performance claim. */
  private static final Duration DETECTION_BOUND = KEEPALIVE_TIMEOUT.plusSeconds(5);

  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("cone");

  private static List<String> stun() {
    return List.of("--stun", lab().get("STUN"));
  }

  @Test
  void shouldCarryHttpAnd100MbOverADirectPathThroughTwoConeNats() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "cone-direct", stun())) {
      tunnel.assertPath("direct");
      tunnel.download(100_000_000L, 1, Duration.ofSeconds(90));
    }
  }

  @Test
  void shouldCloseClientSocketsAndReportWithinKeepaliveTimeoutWhenTheHostIsKilled() throws Exception {
    // --grace 0: connections are not kept for the host to come back (ResilienceLabIT covers that), so the keepalive
    // verdict ends the tunnel as it did before resuming existed.
    List<String> args = new ArrayList<>(stun());
    args.addAll(List.of("--grace", "0", "--keepalive", KEEPALIVE));
    try (LabTunnel tunnel = LabTunnel.open(lab(), "cone-kill", args)) {
      LabProcess hold = tunnel.traffic("hold", List.of("hold", Integer.toString(LabTunnel.CLIENT_PORT), "60000"));
      hold.awaitLine(line -> line.equals("holding"), LabTunnel.STEP);

      long killedAt = System.currentTimeMillis();
      tunnel.host().kill();

      String closed = hold.awaitLine(line -> line.startsWith("closed "), DETECTION_BOUND);
      long socketMs = Long.parseLong(LabTunnel.value(closed, "closed_epoch_ms")) - killedAt;
      Integer code = tunnel.client().awaitExit(DETECTION_BOUND);
      long clientMs = System.currentTimeMillis() - killedAt;
      assertEquals(1, code, "client exit code once the host is gone");
      List<String> errors = tunnel.client().stderr();
      assertEquals(1, errors.size(), "one line: " + errors);
      assertTrue(errors.get(0).startsWith("p2p-tunnel: the tunnel closed: "), errors.get(0));
      assertTrue(socketMs <= DETECTION_BOUND.toMillis(), "local socket closed " + socketMs + " ms after SIGKILL");
      assertTrue(clientMs <= DETECTION_BOUND.toMillis(), "client exited " + clientMs + " ms after SIGKILL");
      LabResults.record(lab().variant(), "host-killed local_socket_closed_ms=" + socketMs + " client_exit_ms="
          + clientMs + " (" + closed.substring("closed ".length()) + "; " + errors.get(0) + ")");
    }
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}
