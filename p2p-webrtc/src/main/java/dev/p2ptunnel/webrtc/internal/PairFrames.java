package dev.p2ptunnel.webrtc.internal;

import dev.p2ptunnel.protocol.Frame;
import dev.p2ptunnel.webrtc.ShortAuthString;
import dev.p2ptunnel.webrtc.WebRtcException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The pairing messages two peers of ours exchange over the open DataChannel before the bridge starts (never sent to
 * a peer that did not show the pairing extension in signaling). Each is one protocol frame of event {@link #EVENT}
 * on socket 0 (chunk 0 of 1), an event the original app ignores. Payload:
 *
 * <pre>
 * kind u8 | body
 *   1 CLIENT    nonce[32] | len u8 | client fingerprint | len u8 | host fingerprint     (as the client saw them)
 *   2 HOST      len u8 | client fingerprint | len u8 | host fingerprint                 (as the host saw them)
 *   3 DECISION  approved u8 (1 yes, 0 no) | reason UTF-8 (the rest, at most 1000 bytes)
 * </pre>
 *
 * Fingerprints are ASCII, {@code sha-256 AB:…} as {@link ShortAuthString#fingerprint} writes them. Stateless.
 */
final class PairFrames {
  static final int EVENT = 21;
  static final int KIND_OFFSET = 0;
  static final int BODY_OFFSET = KIND_OFFSET + 1;
  static final int CLIENT = 1;
  static final int HOST = 2;
  static final int DECISION = 3;
  static final int MAX_REASON_BYTES = 1000;

  /** One decoded pairing message. */
  record Message(int kind, byte @Nullable [] nonce, @Nullable String clientFingerprint,
      @Nullable String hostFingerprint, boolean approved, String reason) {}

  private PairFrames() {}

  static boolean isPair(ByteBuffer message) {
    return message.remaining() >= Frame.HEADER_LENGTH && Frame.event(message) == EVENT;
  }

  static ByteBuffer client(byte[] nonce, String clientFingerprint, String hostFingerprint) {
    byte[] c = clientFingerprint.getBytes(StandardCharsets.US_ASCII);
    byte[] h = hostFingerprint.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer payload = ByteBuffer.allocate(1 + nonce.length + 2 + c.length + h.length);
    payload.put((byte) CLIENT).put(nonce).put((byte) c.length).put(c).put((byte) h.length).put(h).flip();
    return frame(payload);
  }

  static ByteBuffer host(String clientFingerprint, String hostFingerprint) {
    byte[] c = clientFingerprint.getBytes(StandardCharsets.US_ASCII);
    byte[] h = hostFingerprint.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer payload = ByteBuffer.allocate(1 + 2 + c.length + h.length);
    payload.put((byte) HOST).put((byte) c.length).put(c).put((byte) h.length).put(h).flip();
    return frame(payload);
  }

  static ByteBuffer decision(boolean approved, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, MAX_REASON_BYTES);
    ByteBuffer payload = ByteBuffer.allocate(2 + length);
    payload.put((byte) DECISION).put((byte) (approved ? 1 : 0)).put(text, 0, length).flip();
    return frame(payload);
  }

  private static ByteBuffer frame(ByteBuffer payload) {
    return Frame.encode(EVENT, 0, 0, 0, 1, payload);
  }

  /**
   * Decodes a pairing frame.
   *
   * @throws WebRtcException naming the field, its value and the limit when the peer sent something malformed
   */
  static Message decode(ByteBuffer frame) {
    int size = Frame.payloadSize(frame);
    int base = frame.position() + Frame.HEADER_LENGTH;
    if (size < 1 || frame.remaining() < Frame.HEADER_LENGTH + size) {
      throw malformed("payload_size " + size + " < 1 or past the message (" + frame.remaining() + " bytes)");
    }
    ByteBuffer p = frame.duplicate().position(base).limit(base + size).slice();
    int kind = p.get() & 0xFF;
    switch (kind) {
      case CLIENT -> {
        if (p.remaining() < ShortAuthString.NONCE_BYTES) {
          throw malformed("CLIENT nonce " + p.remaining() + " bytes < " + ShortAuthString.NONCE_BYTES);
        }
        byte[] nonce = new byte[ShortAuthString.NONCE_BYTES];
        p.get(nonce);
        return new Message(kind, nonce, text(p, "client fingerprint"), text(p, "host fingerprint"), false, "");
      }
      case HOST -> {
        return new Message(kind, null, text(p, "client fingerprint"), text(p, "host fingerprint"), false, "");
      }
      case DECISION -> {
        if (!p.hasRemaining()) {
          throw malformed("DECISION without its approved byte");
        }
        boolean approved = p.get() == 1;
        if (p.remaining() > MAX_REASON_BYTES) {
          throw malformed("DECISION reason " + p.remaining() + " bytes > " + MAX_REASON_BYTES);
        }
        byte[] reason = new byte[p.remaining()];
        p.get(reason);
        return new Message(kind, null, null, null, approved, new String(reason, StandardCharsets.UTF_8));
      }
      default -> throw malformed("kind " + kind + " (expected: 1 CLIENT, 2 HOST or 3 DECISION)");
    }
  }

  private static String text(ByteBuffer p, String field) {
    if (!p.hasRemaining()) {
      throw malformed(field + " length missing");
    }
    int length = p.get() & 0xFF;
    if (length > p.remaining()) {
      throw malformed(field + " length " + length + " > " + p.remaining() + " bytes left");
    }
    byte[] bytes = new byte[length];
    p.get(bytes);
    String value = new String(bytes, StandardCharsets.US_ASCII);
    try {
      return ShortAuthString.normalise(value);
    } catch (IllegalArgumentException e) {
      throw malformed(field + " \"" + value + "\" is not a fingerprint");
    }
  }

  private static WebRtcException malformed(String what) {
    return new WebRtcException("malformed pairing message from the peer: " + what);
  }
}
