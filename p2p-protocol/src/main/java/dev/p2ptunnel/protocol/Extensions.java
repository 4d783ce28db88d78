package dev.p2ptunnel.protocol;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;

/**
 * Payload layouts of our protocol extensions: events an original peer does not know and ignores, so each is
 * switched on only when both sides announced it in their {@code HELLO}. Every extension message is a single frame
 * with {@code chunk_id} 0, {@code chunk_index} 0, {@code total_chunks} 1, and does not take a chunk id of its socket.
 *
 * <pre>
 * HELLO  socket 0   version u8 | features u32          (first message each side sends; more bytes may follow)
 * WINDOW socket s   increment u32                      (the sender may now send increment more DATA bytes on s)
 * FIN    socket s   (empty)                            (no more DATA from the sender on s: half-close)
 * PING   socket 0   nonce u64                          (keepalive probe)
 * PONG   socket 0   nonce u64                          (the probe's nonce, echoed)
 * </pre>
 *
 * <p>One extension is not an event: {@link #FEATURE_COALESCE} lets a channel message carry several frames
 * ({@link Coalescing}).
 *
 * <p>Stateless and thread-safe. See docs/PROTOCOL.md for the rules around them.
 */
public final class Extensions {
  /** Version this implementation announces. */
  public static final int VERSION = 1;
  /** Feature bit: per-socket credit-based flow control with {@code WINDOW}. */
  public static final int FEATURE_FLOW_CONTROL = 1;
  /** Feature bit: half-close with {@code FIN}. */
  public static final int FEATURE_HALF_CLOSE = 1 << 1;
  /** Feature bit: keepalive with {@code PING}/{@code PONG}. */
  public static final int FEATURE_KEEPALIVE = 1 << 2;
  /**
   * Feature bit: coalesced messages, several frames back to back in one channel message ({@link Coalescing}). Each
   * side that announces it splits such messages; a side coalesces only when both announced it (and may still send
   * one frame per message).
   */
  public static final int FEATURE_COALESCE = 1 << 3;
  /**
   * The first three features (flow control, half-close, keepalive): the set the HELLO golden vector announces. Every
   * feature this implementation knows is {@link #SUPPORTED_FEATURES}.
   */
  public static final int ALL_FEATURES = FEATURE_FLOW_CONTROL | FEATURE_HALF_CLOSE | FEATURE_KEEPALIVE;
  /** Every feature this implementation knows and announces: {@link #ALL_FEATURES} and {@link #FEATURE_COALESCE}. */
  public static final int SUPPORTED_FEATURES = ALL_FEATURES | FEATURE_COALESCE;

  /**
   * Send credit of every socket in each direction when it opens, before any {@code WINDOW}: a receiver that wants
   * a larger window grants the difference right after the socket opens.
   */
  public static final int INITIAL_WINDOW = 256 * 1024;

  /** Offset of {@code version} in a HELLO payload. */
  public static final int HELLO_VERSION_OFFSET = 0;
  /** Offset of {@code features} in a HELLO payload. */
  public static final int HELLO_FEATURES_OFFSET = HELLO_VERSION_OFFSET + 1;
  /** Shortest HELLO payload. */
  public static final int HELLO_LENGTH = HELLO_FEATURES_OFFSET + 4;
  /** Length of a WINDOW payload. */
  public static final int WINDOW_LENGTH = 4;
  /** Length of a PING or PONG payload. */
  public static final int PING_LENGTH = 8;

  private Extensions() {}

  /** A HELLO frame announcing {@code features}. */
  public static ByteBuffer hello(int features) {
    ByteBuffer payload = ByteBuffer.allocate(HELLO_LENGTH);
    payload.put(HELLO_VERSION_OFFSET, (byte) VERSION);
    putU32(payload, HELLO_FEATURES_OFFSET, features);
    return Frame.encode(Frame.EVENT_HELLO, 0, 0, 0, 1, payload);
  }

  /** A WINDOW frame granting {@code increment} more bytes on {@code socketId}. */
  public static ByteBuffer window(int socketId, long increment) {
    if (increment <= 0 || increment > 0xFFFF_FFFFL) {
      throw Frame.badArgument("increment", increment, "1..4294967295");
    }
    ByteBuffer payload = ByteBuffer.allocate(WINDOW_LENGTH);
    putU32(payload, 0, (int) increment);
    return Frame.encode(Frame.EVENT_WINDOW, socketId, 0, 0, 1, payload);
  }

  /** A FIN frame for {@code socketId}. */
  public static ByteBuffer fin(int socketId) {
    return Frame.encode(Frame.EVENT_FIN, socketId, 0, 0, 1, ByteBuffer.allocate(0));
  }

  /** A PING ({@code pong == false}) or PONG frame carrying {@code nonce}. */
  public static ByteBuffer ping(boolean pong, long nonce) {
    ByteBuffer payload = ByteBuffer.allocate(PING_LENGTH);
    for (int i = 0; i < PING_LENGTH; i++) {
      payload.put(i, (byte) (nonce >>> (56 - 8 * i)));
    }
    return Frame.encode(pong ? Frame.EVENT_PONG : Frame.EVENT_PING, 0, 0, 0, 1, payload);
  }

  /** The features a HELLO frame announces (its version may be newer than ours; extra bytes are ignored). */
  public static int helloFeatures(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, HELLO_LENGTH, false);
    return getU32(frame, frame.position() + Frame.HEADER_LENGTH + HELLO_FEATURES_OFFSET);
  }

  /** The version a HELLO frame announces. */
  public static int helloVersion(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, HELLO_LENGTH, false);
    return frame.get(frame.position() + Frame.HEADER_LENGTH + HELLO_VERSION_OFFSET) & 0xFF;
  }

  /** The increment of a WINDOW frame, 1 … 2^32 − 1. */
  public static long windowIncrement(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, WINDOW_LENGTH, true);
    long increment = getU32(frame, frame.position() + Frame.HEADER_LENGTH) & 0xFFFF_FFFFL;
    if (increment == 0) {
      throw new ProtocolException(Reason.BAD_PAYLOAD, Frame.socketId(frame),
          "WINDOW increment 0 < min 1 (socket " + Frame.socketId(frame) + ")");
    }
    return increment;
  }

  /** The nonce of a PING or PONG frame. */
  public static long pingNonce(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, PING_LENGTH, true);
    long nonce = 0;
    int base = frame.position() + Frame.HEADER_LENGTH;
    for (int i = 0; i < PING_LENGTH; i++) {
      nonce = (nonce << 8) | (frame.get(base + i) & 0xFF);
    }
    return nonce;
  }

  private static void requirePayload(ByteBuffer frame, int length, boolean exact) throws ProtocolException {
    int size = Frame.payloadSize(frame);
    if (exact ? size != length : size < length) {
      int event = Frame.event(frame);
      throw new ProtocolException(Reason.BAD_PAYLOAD, Frame.socketId(frame),
          Frame.eventName(event) + " payload_size " + size + (exact ? " != " : " < ") + length
              + " (socket " + Frame.socketId(frame) + ")");
    }
  }

  private static void putU32(ByteBuffer buffer, int index, int value) {
    Frame.putU16(buffer, index, value >>> 16);
    Frame.putU16(buffer, index + 2, value & 0xFFFF);
  }

  private static int getU32(ByteBuffer buffer, int index) {
    return (Frame.getU16(buffer, index) << 16) | Frame.getU16(buffer, index + 2);
  }
}
