package dev.p2ptunnel.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.Identity;
import org.junit.jupiter.api.Test;

/** The host's verification warm-up takes the path of a real check and never passes. */
class PreloadTest {
  @Test
  void theWarmUpSignatureIsWellFormedAndNeverVerifies() {
    Identity identity = Identity.generate();
    assertFalse(Identity.verify(identity.certificateDer(), Preload.PROBE, Preload.WRONG_SIGNATURE));
    assertTrue(Identity.verify(identity.certificateDer(), Preload.PROBE, identity.sign(Preload.PROBE)),
        "a real signature of the same data still verifies");
  }
}
