package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShortAuthStringTest {
  private static final String FP_A =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  private static final String FP_B =
      "10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE";

  private static SessionDescription sdp(SessionDescription.Type type, String fingerprint) {
    return new SessionDescription(type, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:sha-256 " + fingerprint + "\r\n");
  }

  @Test
  void shouldDeriveSixDigitsFromBothFingerprints() {
    // Golden vector of derivation v1 (see the class javadoc); pins the algorithm across versions.
    String sas = ShortAuthString.of(sdp(SessionDescription.Type.OFFER, FP_A), sdp(SessionDescription.Type.ANSWER, FP_B));
    assertEquals(7, sas.length());
    assertEquals(sas, ShortAuthString.of(sdp(SessionDescription.Type.OFFER, FP_A.toLowerCase(java.util.Locale.ROOT)),
        sdp(SessionDescription.Type.ANSWER, FP_B)), "hex case does not matter");
    assertEquals(GOLDEN, sas);
  }

  private static final String GOLDEN = ShortAuthStringTest.golden();

  /** Recomputes v1 independently of the class under test. */
  private static String golden() {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
          ("p2p-tunnel sas v1\nsha-256 " + FP_A + "\nsha-256 " + FP_B).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      long v = ((d[0] & 0xFFL) << 24 | (d[1] & 0xFFL) << 16 | (d[2] & 0xFFL) << 8 | (d[3] & 0xFFL)) % 1_000_000;
      String s = String.format(java.util.Locale.ROOT, "%06d", v);
      return s.substring(0, 3) + " " + s.substring(3);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldChangeWhenEitherFingerprintIsSwapped() {
    SessionDescription offer = sdp(SessionDescription.Type.OFFER, FP_A);
    String honest = ShortAuthString.of(offer, sdp(SessionDescription.Type.ANSWER, FP_B));
    String tampered = ShortAuthString.of(offer, sdp(SessionDescription.Type.ANSWER, FP_B.replace("10:", "11:")));
    assertNotEquals(honest, tampered);
    assertNotEquals(honest, ShortAuthString.of(sdp(SessionDescription.Type.OFFER, FP_B),
        sdp(SessionDescription.Type.ANSWER, FP_A)), "order matters: offer first");
  }

  @Test
  void shouldRejectDescriptionWithoutFingerprint() {
    SessionDescription bare = new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\ns=-\r\n");
    assertEquals("answer: no a=fingerprint line (expected: a DTLS certificate fingerprint in the SDP)",
        assertThrows(IllegalArgumentException.class,
            () -> ShortAuthString.of(sdp(SessionDescription.Type.OFFER, FP_A), bare)).getMessage());
  }
}
