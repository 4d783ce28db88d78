package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.SessionDescription;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The six-digit code both people compare before the host approves a join: derived from the DTLS certificate
 * fingerprints in the offer and the answer, so a signaling path that swapped either description (and with it a
 * certificate) shows different codes on the two sides. Stateless.
 *
 * <p>Interim: the library is gaining {@code ClientTunnel.shortAuthString()} and a host-side approver that receives
 * the same; once it lands, the app shows the library's code and this class goes.
 */
final class ShortAuthCode {
  private ShortAuthCode() {}

  /** e.g. {@code "482 913"}; {@code "??? ???"} if a description carries no fingerprint. */
  static String of(SessionDescription offer, SessionDescription answer) {
    String offerPrint = fingerprint(offer.sdp());
    String answerPrint = fingerprint(answer.sdp());
    if (offerPrint.isEmpty() || answerPrint.isEmpty()) {
      return "??? ???";
    }
    byte[] hash = sha256("p2p-tunnel short auth code 1\n" + offerPrint + "\n" + answerPrint);
    long value = ((hash[0] & 0xFFL) << 24) | ((hash[1] & 0xFFL) << 16) | ((hash[2] & 0xFFL) << 8) | (hash[3] & 0xFFL);
    String digits = String.format("%06d", value % 1_000_000);
    return digits.substring(0, 3) + " " + digits.substring(3);
  }

  private static String fingerprint(String sdp) {
    for (String line : sdp.split("\r?\n")) {
      if (line.startsWith("a=fingerprint:")) {
        return line.substring("a=fingerprint:".length()).trim();
      }
    }
    return "";
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256: missing (expected: in every JDK)", e);
    }
  }
}
