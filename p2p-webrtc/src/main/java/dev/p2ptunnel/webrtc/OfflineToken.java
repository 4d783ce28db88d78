package dev.p2ptunnel.webrtc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A complete {@link SessionDescription} as one copy-pasteable line, for signaling by hand (chat, e-mail):
 * {@code p2pt1.} followed by the base64url (no padding) of the zlib-deflated payload, whose first byte is the type
 * ({@code O} offer, {@code A} answer) and the rest the SDP in UTF-8. The zlib checksum catches damaged pastes.
 * Specified in {@code docs/SIGNALING.md}.
 *
 * <p>Our pairing extension rides in the SDP text as extra attribute lines at its end ({@code a=x-p2pt-commitment:},
 * {@code a=x-p2pt-nonce:}, {@code a=x-p2pt-name:}, values base64url), which {@link #read} takes out again; a reader
 * that does not know them (libwebrtc included) ignores unknown attributes. Stateless and thread-safe.
 */
public final class OfflineToken {
  /** What every token of this version starts with. */
  public static final String PREFIX = "p2pt1.";

  /** The longest SDP a token may carry once inflated; real ones are 1–3 KB. */
  public static final int MAX_SDP_BYTES = 65_536;

  /**
   * How long a token is good for: the client's offer waits this long for the answer token, the host's answer this
   * long for the client to connect (ICE credentials and TURN allocations stay alive that long). Later, the side
   * waiting says the token expired and to start again.
   */
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  private static final String COMMITMENT = "a=x-p2pt-commitment:";
  private static final String NONCE = "a=x-p2pt-nonce:";
  private static final String NAME = "a=x-p2pt-name:";
  private static final Pattern EXTENSION = Pattern.compile("(?m)^a=x-p2pt-(commitment|nonce|name):([A-Za-z0-9_-]*)"
      + "\\r?\\n?");

  /**
   * A decoded token with the pairing fields taken out of its SDP.
   *
   * @param description the description as libwebrtc needs it
   * @param commitment the client's commitment (offer tokens of ours), or null
   * @param nonce the host's nonce (answer tokens of ours), or null
   * @param name the client's name (offer tokens of ours), or null
   */
  public record Contents(SessionDescription description, byte @Nullable [] commitment, byte @Nullable [] nonce,
      @Nullable String name) {}

  private OfflineToken() {}

  /** A client's offer token: the offer, its commitment and its name. */
  public static String encode(JoinOffer offer) {
    StringBuilder sdp = new StringBuilder(withNewline(offer.offer().sdp()));
    byte[] commitment = offer.commitment();
    if (commitment != null) {
      sdp.append(COMMITMENT).append(b64(commitment)).append("\r\n");
    }
    sdp.append(NAME).append(b64(offer.clientName().getBytes(StandardCharsets.UTF_8))).append("\r\n");
    return encode(new SessionDescription(SessionDescription.Type.OFFER, sdp.toString()));
  }

  /** A host's answer token: the answer and its nonce. */
  public static String encode(JoinAnswer answer) {
    byte[] nonce = answer.hostNonce();
    if (nonce == null) {
      return encode(answer.answer());
    }
    return encode(new SessionDescription(SessionDescription.Type.ANSWER, withNewline(answer.answer().sdp()) + NONCE
        + b64(nonce) + "\r\n"));
  }

  /**
   * Decodes a token and takes our pairing fields out of its SDP.
   *
   * @throws InvalidTokenException as {@link #decode}, or naming a pairing field that is malformed
   */
  public static Contents read(String token) {
    SessionDescription raw = decode(token);
    byte[] commitment = null;
    byte[] nonce = null;
    String name = null;
    Matcher m = EXTENSION.matcher(raw.sdp());
    while (m.find()) {
      byte[] value;
      try {
        value = Base64.getUrlDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new InvalidTokenException("token is damaged: x-p2pt-" + m.group(1) + " is not base64url", e);
      }
      switch (m.group(1)) {
        case "commitment" -> commitment = sized("commitment", value);
        case "nonce" -> nonce = sized("nonce", value);
        default -> name = new String(value, StandardCharsets.UTF_8);
      }
    }
    String sdp = EXTENSION.matcher(raw.sdp()).replaceAll("");
    return new Contents(new SessionDescription(raw.type(), sdp), commitment, nonce, name);
  }

  private static byte[] sized(String field, byte[] value) {
    if (value.length != ShortAuthString.NONCE_BYTES) {
      throw new InvalidTokenException("token is damaged: x-p2pt-" + field + " has " + value.length
          + " bytes (expected: 32)");
    }
    return value;
  }

  private static String withNewline(String sdp) {
    return sdp.endsWith("\n") ? sdp : sdp + "\r\n";
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Encodes {@code description} as a token. */
  public static String encode(SessionDescription description) {
    byte[] sdp = description.sdp().getBytes(StandardCharsets.UTF_8);
    if (sdp.length > MAX_SDP_BYTES) {
      throw new IllegalArgumentException("sdp length: " + sdp.length + " (expected: <= " + MAX_SDP_BYTES + ")");
    }
    byte[] payload = new byte[1 + sdp.length];
    payload[0] = (byte) (description.type() == SessionDescription.Type.OFFER ? 'O' : 'A');
    System.arraycopy(sdp, 0, payload, 1, sdp.length);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(payload);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 2 + 64);
      byte[] chunk = new byte[4096];
      while (!deflater.finished()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    } finally {
      deflater.end();
    }
  }

  /**
   * Decodes a token; whitespace anywhere in it (line breaks added by a mail client) is ignored.
   *
   * @throws InvalidTokenException naming what is wrong: empty, not a p2p-tunnel token, another version, not
   *     base64url, damaged, too large, unknown type, or no SDP inside
   */
  public static SessionDescription decode(String token) {
    String compact = token.replaceAll("\\s+", "");
    if (compact.isEmpty()) {
      throw new InvalidTokenException("token is empty");
    }
    if (!compact.startsWith(PREFIX)) {
      int dot = compact.indexOf('.');
      String head = dot < 0 ? "" : compact.substring(0, dot);
      if (head.matches("p2pt[0-9]+")) {
        throw new InvalidTokenException("token version " + head.substring(4) + " is not supported (expected: 1, "
            + "prefix " + PREFIX + "); the peer runs another p2p-tunnel version");
      }
      throw new InvalidTokenException("not a p2p-tunnel token: it does not start with " + PREFIX);
    }
    byte[] deflated;
    try {
      deflated = Base64.getUrlDecoder().decode(compact.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("token is damaged: not base64url after " + PREFIX + " (" + e.getMessage()
          + ")", e);
    }
    byte[] payload = inflate(deflated);
    if (payload.length < 1) {
      throw new InvalidTokenException("token is damaged: empty payload");
    }
    SessionDescription.Type type;
    if (payload[0] == 'O') {
      type = SessionDescription.Type.OFFER;
    } else if (payload[0] == 'A') {
      type = SessionDescription.Type.ANSWER;
    } else {
      throw new InvalidTokenException("token has unknown description type 0x"
          + Integer.toHexString(payload[0] & 0xFF) + " (expected: 'O' offer or 'A' answer)");
    }
    String sdp = new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
    if (!sdp.startsWith("v=0")) {
      throw new InvalidTokenException("token holds no SDP: it does not start with v=0");
    }
    return new SessionDescription(type, sdp);
  }

  private static byte[] inflate(byte[] deflated) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 3);
      byte[] chunk = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new InvalidTokenException("token is damaged: truncated (copy the whole token)");
        }
        out.write(chunk, 0, n);
        if (out.size() > MAX_SDP_BYTES + 1) {
          throw new InvalidTokenException(
              "token is too large: payload inflates past " + (MAX_SDP_BYTES + 1) + " bytes");
        }
      }
      if (inflater.getRemaining() > 0) {
        throw new InvalidTokenException("token is damaged: " + inflater.getRemaining() + " extra bytes at the end");
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new InvalidTokenException("token is damaged: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }
}
