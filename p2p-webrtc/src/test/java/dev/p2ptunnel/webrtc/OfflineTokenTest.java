package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class OfflineTokenTest {
  /** A realistic complete offer (shape of what libwebrtc 0.14.0 writes; addresses from the test namespace). */
  static final String SDP = String.join("\r\n",
      "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
      "a=extmap-allow-mixed", "a=msid-semantic: WMS", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
      "c=IN IP4 0.0.0.0",
      "a=candidate:1 1 udp 2122260223 10.250.0.1 50000 typ host generation 0 network-id 1",
      "a=candidate:2 1 udp 2122194687 10.250.0.2 50000 typ host generation 0 network-id 2",
      "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdefghijklmn", "a=ice-options:trickle",
      "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0"
          + ":A1:2C:19:08",
      "a=setup:actpass", "a=mid:0", "a=sctp-port:5000", "a=max-message-size:262144", "");

  @Test
  void shouldRoundTripOfferAndAnswer() {
    for (SessionDescription.Type type : SessionDescription.Type.values()) {
      SessionDescription description = new SessionDescription(type, SDP);
      String token = OfflineToken.encode(description);
      assertTrue(token.startsWith("p2pt1."), token);
      assertTrue(token.matches("p2pt1\\.[A-Za-z0-9_-]+"), "one copy-pasteable word: " + token);
      assertEquals(description, OfflineToken.decode(token));
      System.out.println(type + ": " + SDP.length() + " chars of SDP -> token of " + token.length() + " chars");
    }
  }

  @Test
  void shouldIgnoreWhitespaceAddedByMailClients() {
    String token = OfflineToken.encode(new SessionDescription(SessionDescription.Type.ANSWER, SDP));
    String wrapped = " " + token.substring(0, 20) + "\r\n" + token.substring(20, 40) + "\n\t" + token.substring(40);
    assertEquals(SDP, OfflineToken.decode(wrapped).sdp());
  }

  @Test
  void shouldRejectEmptyToken() {
    assertRejected(" \n", "token is empty");
  }

  @Test
  void shouldRejectForeignText() {
    assertRejected("v=0\r\no=- 1 2 IN IP4 127.0.0.1", "not a p2p-tunnel token: it does not start with p2pt1.");
  }

  @Test
  void shouldRejectOtherVersionNamingIt() {
    assertRejected("p2pt2.eJwLAgAAVwBX", "token version 2 is not supported (expected: 1, prefix p2pt1.); "
        + "the peer runs another p2p-tunnel version");
  }

  @Test
  void shouldRejectNonBase64Payload() {
    assertRejected("p2pt1.abc$def", "token is damaged: not base64url after p2pt1. "
        + "(Illegal base64 character 24)");
  }

  @Test
  void shouldRejectTruncatedToken() {
    String token = OfflineToken.encode(new SessionDescription(SessionDescription.Type.OFFER, SDP));
    assertRejected(token.substring(0, token.length() - 30), "token is damaged: truncated (copy the whole token)");
  }

  @Test
  void shouldRejectCorruptedTokenThroughTheChecksum() {
    String token = OfflineToken.encode(new SessionDescription(SessionDescription.Type.OFFER, SDP));
    char[] chars = token.toCharArray();
    int i = token.length() - 3; // inside the adler32 trailer
    chars[i] = chars[i] == 'A' ? 'B' : 'A';
    assertRejected(new String(chars), "token is damaged: incorrect data check");
  }

  @Test
  void shouldRejectTrailingGarbage() {
    byte[] deflated = deflate(("O" + SDP).getBytes(StandardCharsets.UTF_8));
    byte[] longer = java.util.Arrays.copyOf(deflated, deflated.length + 3);
    assertRejected(token(longer), "token is damaged: 3 extra bytes at the end");
  }

  @Test
  void shouldRejectUnknownDescriptionType() {
    assertRejected(token(deflate(("X" + SDP).getBytes(StandardCharsets.UTF_8))),
        "token has unknown description type 0x58 (expected: 'O' offer or 'A' answer)");
  }

  @Test
  void shouldRejectEmptyPayload() {
    assertRejected(token(deflate(new byte[0])), "token is damaged: empty payload");
  }

  @Test
  void shouldRejectPayloadWithoutSdp() {
    assertRejected(token(deflate("Ohello".getBytes(StandardCharsets.UTF_8))),
        "token holds no SDP: it does not start with v=0");
  }

  @Test
  void shouldRejectDecompressionBomb() {
    assertRejected(token(deflate(new byte[10_000_000])), "token is too large: payload inflates past 65537 bytes");
  }

  @Test
  void shouldCarryThePairingFieldsOutsideTheSdpThatLibwebrtcSees() {
    String sdp = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\na=fingerprint:sha-256 AA\r\n";
    byte[] commitment = new byte[32];
    commitment[31] = 5;
    OfflineToken.Contents offer = OfflineToken.read(OfflineToken.encode(new JoinOffer("Zoë",
        new SessionDescription(SessionDescription.Type.OFFER, sdp), commitment)));
    assertEquals(sdp, offer.description().sdp(), "the SDP comes back exactly, without our lines");
    assertEquals("Zoë", offer.name());
    org.junit.jupiter.api.Assertions.assertArrayEquals(commitment, offer.commitment());
    assertEquals(null, offer.nonce());

    byte[] nonce = new byte[32];
    nonce[0] = 9;
    String answerToken = OfflineToken.encode(new JoinAnswer(new SessionDescription(SessionDescription.Type.ANSWER,
        sdp), nonce));
    assertTrue(OfflineToken.decode(answerToken).sdp().contains("a=x-p2pt-nonce:"),
        "a reader that does not know the extension gets it as one more attribute line");
    org.junit.jupiter.api.Assertions.assertArrayEquals(nonce, OfflineToken.read(answerToken).nonce());

    OfflineToken.Contents plain = OfflineToken.read(OfflineToken.encode(new SessionDescription(
        SessionDescription.Type.OFFER, sdp)));
    assertEquals(null, plain.commitment(), "a token without the extension: an original peer");
    assertEquals(null, plain.name());

    String damaged = OfflineToken.encode(new SessionDescription(SessionDescription.Type.ANSWER, sdp
        + "a=x-p2pt-nonce:AAAA\r\n"));
    assertEquals("token is damaged: x-p2pt-nonce has 3 bytes (expected: 32)",
        assertThrows(InvalidTokenException.class, () -> OfflineToken.read(damaged)).getMessage());
  }

  private static void assertRejected(String token, String message) {
    InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> OfflineToken.decode(token));
    assertEquals(message, e.getMessage());
  }

  private static String token(byte[] deflated) {
    return "p2pt1." + Base64.getUrlEncoder().withoutPadding().encodeToString(deflated);
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater();
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    while (!deflater.finished()) {
      out.write(chunk, 0, deflater.deflate(chunk));
    }
    deflater.end();
    return out.toByteArray();
  }
}
