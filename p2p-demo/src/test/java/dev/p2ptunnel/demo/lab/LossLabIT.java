package dev.p2ptunnel.demo.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code netlab.sh up loss}: cone NATs, and every WAN hop drops 1 % of packets. SCTP must retransmit so that every
 * byte arrives intact; the bulk goes client to host here (the cone test covers host to client).
 */
@ResourceLock(NetLab.LOCK)
@Timeout(150)
class LossLabIT {
  @RegisterExtension
  static final LabLifecycle LAB = new LabLifecycle("loss");

  /** The hard-loss test: drop probability per WAN hop, download size, idle time (scenario, not a timing claim). */
  private static final String HARD_LOSS = "0.20";
  private static final long HARD_LOSS_BYTES = 8_000_000L;
  private static final Duration HARD_LOSS_IDLE = Duration.ofSeconds(60);

  @Test
  void shouldCarry100MbIntactOverALinkThatLosesOnePercent() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "loss-upload", List.of("--stun", lab().get("STUN")))) {
      tunnel.assertPath("direct");
      tunnel.upload(100_000_000L, 3, Duration.ofSeconds(100));
    }
  }

  /**
   * Hard loss (issue 14): with every WAN hop dropping 20 % of packets, SCTP still carries, slowly, and the tunnel
   * survives. A download completes byte-exact, the tunnel then idles well past the keepalive timeout, and a
   * keep-alive connection opened before it all still answers; both processes keep running. Whether either side
   * reported a loss on the way is recorded, not asserted (it happens now and then, see docs/PERFORMANCE.md). Bounded
   * waits only; the throughput and round trips at this loss are measured by scripts/bench-loss.sh.
   */
  @Test
  @Timeout(900)
  void shouldKeepTheTunnelAndCarryATransferIntactAtTwentyPercentLossEachWay() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "loss-20", List.of("--stun", lab().get("STUN")))) {
      tunnel.assertPath("direct");
      LabProcess echo = tunnel.traffic("echo", List.of("echo", Integer.toString(LabTunnel.CLIENT_PORT), "800000"));
      echo.type("1");
      echo.awaitLine(line -> line.equals("hello=ok n=1"), LabTunnel.STEP);
      loss(HARD_LOSS);
      try {
        tunnel.download(HARD_LOSS_BYTES, 20, Duration.ofSeconds(420));
        Thread.sleep(HARD_LOSS_IDLE.toMillis()); // the scenario: an idle tunnel, 4 keepalive timeouts at this loss
        echo.type("2");
        echo.awaitLine(line -> line.equals("hello=ok n=2") || line.startsWith("hello=BAD") || line.startsWith("error="),
            Duration.ofSeconds(120));
        assertTrue(echo.stdout().contains("hello=ok n=2"), "the keep-alive connection answers: " + echo.stdout());
      } finally {
        loss(System.getenv().getOrDefault("NETLAB_LOSS", "0.01"));
      }
      assertTrue(tunnel.client().alive() && tunnel.host().alive(), "neither process gave up");
      // Not asserted (docs/PERFORMANCE.md, "Hard loss"): at 20 % an SCTP retransmission back-off can silence a
      // download for more than the 15 s keepalive timeout; the client then rejoins and resumes, losing nothing.
      long clientLost = tunnel.client().stdout().stream().filter(l -> l.contains("connection to the host lost")).count();
      long hostLost = tunnel.host().stdout().stream().filter(l -> l.contains(" lost (")).count();
      LabResults.record(lab().variant(), "loss-20: " + HARD_LOSS_BYTES + " bytes byte-exact at " + HARD_LOSS
          + " loss per WAN hop, then " + HARD_LOSS_IDLE.toSeconds() + " s idle; the keep-alive connection answered;"
          + " loss reported by the client " + clientLost + "x, by the host " + hostLost + "x");
    }
  }

  /** Sets the drop probability of both routers' WAN egress rule (netlab.sh's first mangle POSTROUTING rule). */
  private static void loss(String probability) throws Exception {
    for (String nat : List.of(lab().get("NS_NAT_A"), lab().get("NS_NAT_B"))) {
      lab().exec(nat, "iptables", "-w", "-t", "mangle", "-R", "POSTROUTING", "1", "-o", "wan0", "-m", "statistic",
          "--mode", "random", "--probability", probability, "-j", "DROP");
    }
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}
