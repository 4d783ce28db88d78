package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ShortAuthStringTest {
  private static final String FP_C =
      "sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  private static final String FP_H =
      "sha-256 10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE";
  private static final byte[] NC = nonce(1);
  private static final byte[] NH = nonce(2);

  private static byte[] nonce(int seed) {
    byte[] n = new byte[32];
    for (int i = 0; i < n.length; i++) {
      n[i] = (byte) (seed * 31 + i);
    }
    return n;
  }

  /** Recomputes derivation v2 independently of the class under test. */
  private static String golden(String fc, String fh, byte[] nc, byte[] nh) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] d = MessageDigest.getInstance("SHA-256").digest(("p2p-tunnel sas v2\n" + fc + "\n" + fh + "\n"
        + b64.encodeToString(nc) + "\n" + b64.encodeToString(nh)).getBytes(StandardCharsets.UTF_8));
    long v = ((d[0] & 0xFFL) << 24 | (d[1] & 0xFFL) << 16 | (d[2] & 0xFFL) << 8 | (d[3] & 0xFFL)) % 1_000_000;
    String s = String.format(Locale.ROOT, "%06d", v);
    return s.substring(0, 3) + " " + s.substring(3);
  }

  @Test
  void shouldDeriveSixDigitsFromBothFingerprintsAndBothNonces() throws Exception {
    String code = ShortAuthString.of(FP_C, FP_H, NC, NH);
    assertTrue(code.matches("\\d{3} \\d{3}"), code);
    assertEquals(golden(FP_C, FP_H, NC, NH), code, "derivation v2 pinned");
    assertEquals(code, ShortAuthString.of(FP_C.toLowerCase(Locale.ROOT).replace("SHA", "sha"), FP_H, NC, NH),
        "hex case does not matter");
  }

  @Test
  void shouldChangeWithEveryInput() {
    String honest = ShortAuthString.of(FP_C, FP_H, NC, NH);
    assertNotEquals(honest, ShortAuthString.of(FP_C, FP_H.replace("10:", "11:"), NC, NH), "host certificate");
    assertNotEquals(honest, ShortAuthString.of(FP_C.replace("AB:", "AC:"), FP_H, NC, NH), "client certificate");
    assertNotEquals(honest, ShortAuthString.of(FP_C, FP_H, nonce(3), NH), "client nonce");
    assertNotEquals(honest, ShortAuthString.of(FP_C, FP_H, NC, nonce(4)), "host nonce");
    assertNotEquals(honest, ShortAuthString.of(FP_H, FP_C, NC, NH), "order matters: client first");
  }

  @Test
  void shouldBindTheCommitmentToItsNonce() throws Exception {
    byte[] commitment = ShortAuthString.commitment(NC);
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(("p2p-tunnel commit v2\n"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(NC)).getBytes(StandardCharsets.UTF_8)), commitment);
    assertTrue(ShortAuthString.opens(commitment, NC));
    assertFalse(ShortAuthString.opens(commitment, NH));
    assertFalse(ShortAuthString.opens(commitment, new byte[31]));
  }

  @Test
  void shouldPadCodesBelowOneHundredThousandWithZeros() throws Exception {
    java.util.Random random = new java.util.Random(7);
    int padded = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] nc = new byte[32];
      random.nextBytes(nc);
      String code = ShortAuthString.of(FP_C, FP_H, nc, NH);
      assertEquals(golden(FP_C, FP_H, nc, NH), code);
      padded += code.startsWith("0") ? 1 : 0;
    }
    assertTrue(padded > 100, "codes with a leading zero among 2 000: " + padded);
  }

  @Test
  void shouldSpreadCodesEvenlyOverAMillionValues() {
    // A relay that must fix its certificates before it sees the client's nonce gets one random code per attempt:
    // over 20 000 nonces no code should repeat much more than chance allows (the expected maximum is 1-2).
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] nc = new byte[32];
      random.nextBytes(nc);
      seen.merge(ShortAuthString.of(FP_C, FP_H, nc, NH), 1, Integer::sum);
    }
    assertTrue(seen.values().stream().allMatch(n -> n <= 3), "a code repeated more than chance allows");
    assertTrue(seen.size() > 19_500, "distinct codes: " + seen.size());
  }

  @Test
  void shouldReadTheFirstFingerprintOfADescriptionOrSayItHasNone() {
    SessionDescription offer = new SessionDescription(SessionDescription.Type.OFFER, "v=0\r\ns=-\r\n"
        + "a=fingerprint:SHA-256 ab:cd\r\n");
    assertEquals("sha-256 AB:CD", ShortAuthString.fingerprint(offer));
    SessionDescription bare = new SessionDescription(SessionDescription.Type.ANSWER, "v=0\r\ns=-\r\n");
    assertEquals("answer: no a=fingerprint line (expected: a DTLS certificate fingerprint in the SDP)",
        assertThrows(IllegalArgumentException.class, () -> ShortAuthString.fingerprint(bare)).getMessage());
    assertEquals("clientNonce: 31 bytes (expected: 32)", assertThrows(IllegalArgumentException.class,
        () -> ShortAuthString.of(FP_C, FP_H, new byte[31], NH)).getMessage());
  }

  @Test
  void shouldAcceptPrintableNamesAndRefuseSpoofingCharacters() {
    assertEquals("alice", ClientName.check("alice"));
    assertEquals("Zoë 🎮 #2", ClientName.check("Zoë 🎮 #2"));
    assertEquals("U+202E RIGHT-TO-LEFT OVERRIDE at index 5", ClientName.problem("alice\u202Egnp.exe"));
    assertEquals("U+2066 LEFT-TO-RIGHT ISOLATE at index 0", ClientName.problem("\u2066bob"));
    assertEquals("U+000A LINE FEED (LF) at index 1", ClientName.problem("a\nb"));
    assertEquals("65 characters", ClientName.problem("x".repeat(65)));
    assertEquals("clientName: empty (expected: " + ClientName.RULE + ")",
        assertThrows(IllegalArgumentException.class, () -> ClientName.check("")).getMessage());
  }
}
