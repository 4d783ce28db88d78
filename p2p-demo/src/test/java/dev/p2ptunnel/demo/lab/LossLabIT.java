package dev.p2ptunnel.demo.lab;

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

  @Test
  void shouldCarry100MbIntactOverALinkThatLosesOnePercent() throws Exception {
    try (LabTunnel tunnel = LabTunnel.open(lab(), "loss-upload", List.of("--stun", lab().get("STUN")))) {
      tunnel.assertPath("direct");
      tunnel.upload(100_000_000L, 3, Duration.ofSeconds(100));
    }
  }

  private static NetLab lab() {
    return LAB.lab();
  }
}
