package dev.p2ptunnel.demo.lab;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code netlab.sh up loss}: cone NATs, and every WAN hop drops 1 % of packets. SCTP must retransmit so that every
 * byte arrives intact; the bulk goes client to host here (the cone test covers host to client).
 */
@ResourceLock(NetLab.LOCK)
@Timeout(150)
class LossLabIT {
  private static NetLab lab;
  /** Set once the lab may exist: {@code down} must run even if {@code up} failed halfway. */
  private static boolean labTouched;

  @BeforeAll
  static void up() throws Exception {
    NetLab.assumeAvailable();
    labTouched = true;
    lab = NetLab.up("loss");
  }

  @AfterAll
  static void down() throws Exception {
    if (labTouched) {
      NetLab.down();
    }
  }

  @Test
  void shouldCarry100MbIntactOverALinkThatLosesOnePercent() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab, "loss-upload", List.of("--stun", lab.get("STUN")))) {
      tunnel.assertPath("direct");
      tunnel.upload(100_000_000L, 3, Duration.ofSeconds(100));
    }
  }
}
