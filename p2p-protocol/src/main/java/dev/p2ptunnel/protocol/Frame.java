package dev.p2ptunnel.protocol;

import java.nio.ByteBuffer;

/**
 * The wire layout of one frame: the only place that knows where each field sits.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |           socket_id           |   chunk_id    :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :   (cont.)     |          chunk_index          | total_chunks  :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :   (cont.)     |          payload_size         |   payload ... :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Every field is an unsigned big-endian integer; the header is {@value #HEADER_LENGTH} bytes, the payload
 * 0 to {@value #MAX_PAYLOAD_LENGTH} bytes, and one frame is exactly one message of the underlying channel, so a
 * frame is at most {@value #MAX_FRAME_LENGTH} bytes. {@code payload_size} must equal the message length minus
 * the header. A message that does not fit one frame is split by the {@link Chunker} into {@code total_chunks}
 * frames that share a {@code chunk_id}.
 *
 * <p>Readers take the frame at the buffer's {@code position()} and read with absolute indexes, so they never move
 * the buffer; byte order is explicit, whatever {@link ByteBuffer#order()} says.
 *
 * <p>Stateless and thread-safe.
 */
public final class Frame {
  /** Offset of {@code event} (u8). */
  public static final int EVENT_OFFSET = 0;
  /** Offset of {@code socket_id} (u16). */
  public static final int SOCKET_ID_OFFSET = EVENT_OFFSET + 1;
  /** Offset of {@code chunk_id} (u16). */
  public static final int CHUNK_ID_OFFSET = SOCKET_ID_OFFSET + 2;
  /** Offset of {@code chunk_index} (u16). */
  public static final int CHUNK_INDEX_OFFSET = CHUNK_ID_OFFSET + 2;
  /** Offset of {@code total_chunks} (u16). */
  public static final int TOTAL_CHUNKS_OFFSET = CHUNK_INDEX_OFFSET + 2;
  /** Offset of {@code payload_size} (u16). */
  public static final int PAYLOAD_SIZE_OFFSET = TOTAL_CHUNKS_OFFSET + 2;
  /** Length of the header; the payload starts here. */
  public static final int HEADER_LENGTH = PAYLOAD_SIZE_OFFSET + 2;

  /** Largest message the original app sends or accepts: one frame never exceeds it. */
  public static final int MAX_FRAME_LENGTH = 65_536;
  /** Largest payload of one frame. */
  public static final int MAX_PAYLOAD_LENGTH = MAX_FRAME_LENGTH - HEADER_LENGTH;
  /** Largest value of a u16 field: socket ids and chunk ids wrap after it. */
  public static final int MAX_U16 = 0xFFFF;
  /** Largest {@code total_chunks}. */
  public static final int MAX_TOTAL_CHUNKS = MAX_U16;

  /** {@code event}: bytes of a logical socket, in order. */
  public static final int EVENT_DATA = 0;
  /** {@code event}: the sender closed the logical socket (full close). */
  public static final int EVENT_CLOSE = 1;
  /** {@code event}: client opens a logical socket; host answers it once its TCP connection is up. */
  public static final int EVENT_CONNECT = 2;

  /** {@code event} of our extension: capabilities, the first message each side sends ({@link Extensions}). */
  public static final int EVENT_HELLO = 16;
  /** {@code event} of our extension: more send credit for a socket ({@link Extensions}). */
  public static final int EVENT_WINDOW = 17;
  /** {@code event} of our extension: the sender will send no more DATA on a socket, half-close ({@link Extensions}). */
  public static final int EVENT_FIN = 18;
  /** {@code event} of our extension: keepalive probe ({@link Extensions}). */
  public static final int EVENT_PING = 19;
  /** {@code event} of our extension: keepalive answer ({@link Extensions}). */
  public static final int EVENT_PONG = 20;
  /** {@code event} of the resume extension: who the sender's bridge is and whom it expects ({@link Resumption}). */
  public static final int EVENT_SESSION = 24;
  /** {@code event} of the resume extension: what the sender received of one socket ({@link Resumption}). */
  public static final int EVENT_RESUME = 25;
  /** {@code event} of the resume extension: the end of the sender's socket list ({@link Resumption}). */
  public static final int EVENT_RESUME_END = 26;
  /** {@code event} of the resume extension: the sender closes the tunnel on purpose ({@link Resumption}). */
  public static final int EVENT_BYE = 27;
  /** {@code event} of our extension: the host's list of named services ({@link ServiceMessages}). */
  public static final int EVENT_SERVICES = 32;
  /** {@code event} of our extension: why the sender refuses or closes a socket, before its CLOSE ({@link ServiceMessages}). */
  public static final int EVENT_REASON = 33;

  private Frame() {}

  /** Whether {@code event} is one of the events of the original protocol ({@code DATA}, {@code CLOSE}, {@code CONNECT}). */
  public static boolean isSeedEvent(int event) {
    return event == EVENT_DATA || event == EVENT_CLOSE || event == EVENT_CONNECT;
  }

  /** A readable name for logs and error messages, e.g. {@code "DATA"} or {@code "event 9"}. */
  public static String eventName(int event) {
    switch (event) {
      case EVENT_DATA:
        return "DATA";
      case EVENT_CLOSE:
        return "CLOSE";
      case EVENT_CONNECT:
        return "CONNECT";
      case EVENT_HELLO:
        return "HELLO";
      case EVENT_WINDOW:
        return "WINDOW";
      case EVENT_FIN:
        return "FIN";
      case EVENT_PING:
        return "PING";
      case EVENT_PONG:
        return "PONG";
      case EVENT_SESSION:
        return "SESSION";
      case EVENT_RESUME:
        return "RESUME";
      case EVENT_RESUME_END:
        return "RESUME_END";
      case EVENT_BYE:
        return "BYE";
      case EVENT_SERVICES:
        return "SERVICES";
      case EVENT_REASON:
        return "REASON";
      default:
        return "event " + event;
    }
  }

  // ---------------------------------------------------------------------------------------------------- writing

  /**
   * Writes a header at absolute {@code index} of {@code dst}; does not move the buffer.
   *
   * @throws IllegalArgumentException if a field is out of its range (a caller bug)
   * @throws IndexOutOfBoundsException if {@code dst} has no room for the header at {@code index}
   */
  public static void writeHeader(
      ByteBuffer dst, int index, int event, int socketId, int chunkId, int chunkIndex, int totalChunks,
      int payloadSize) {
    checkU8("event", event);
    checkU16("socketId", socketId);
    checkU16("chunkId", chunkId);
    if (totalChunks < 1 || totalChunks > MAX_TOTAL_CHUNKS) {
      throw badArgument("totalChunks", totalChunks, "1.." + MAX_TOTAL_CHUNKS);
    }
    if (chunkIndex < 0 || chunkIndex >= totalChunks) {
      throw badArgument("chunkIndex", chunkIndex, "0.." + (totalChunks - 1));
    }
    if (payloadSize < 0 || payloadSize > MAX_PAYLOAD_LENGTH) {
      throw badArgument("payloadSize", payloadSize, "0.." + MAX_PAYLOAD_LENGTH);
    }
    dst.put(index + EVENT_OFFSET, (byte) event);
    putU16(dst, index + SOCKET_ID_OFFSET, socketId);
    putU16(dst, index + CHUNK_ID_OFFSET, chunkId);
    putU16(dst, index + CHUNK_INDEX_OFFSET, chunkIndex);
    putU16(dst, index + TOTAL_CHUNKS_OFFSET, totalChunks);
    putU16(dst, index + PAYLOAD_SIZE_OFFSET, payloadSize);
  }

  /**
   * Encodes one frame into a new heap buffer of exactly the frame's length (position 0, limit = length). The
   * payload's remaining bytes are copied once; its position does not move.
   */
  public static ByteBuffer encode(
      int event, int socketId, int chunkId, int chunkIndex, int totalChunks, ByteBuffer payload) {
    int payloadSize = payload.remaining();
    ByteBuffer frame = ByteBuffer.allocate(HEADER_LENGTH + Math.min(payloadSize, MAX_PAYLOAD_LENGTH));
    writeHeader(frame, 0, event, socketId, chunkId, chunkIndex, totalChunks, payloadSize);
    frame.put(HEADER_LENGTH, payload, payload.position(), payloadSize);
    return frame;
  }

  // ---------------------------------------------------------------------------------------------------- reading

  /** {@code event} of the frame at {@code frame.position()}. */
  public static int event(ByteBuffer frame) {
    return frame.get(frame.position() + EVENT_OFFSET) & 0xFF;
  }

  /** {@code socket_id} of the frame at {@code frame.position()}. */
  public static int socketId(ByteBuffer frame) {
    return getU16(frame, frame.position() + SOCKET_ID_OFFSET);
  }

  /** {@code chunk_id} of the frame at {@code frame.position()}. */
  public static int chunkId(ByteBuffer frame) {
    return getU16(frame, frame.position() + CHUNK_ID_OFFSET);
  }

  /** {@code chunk_index} of the frame at {@code frame.position()}. */
  public static int chunkIndex(ByteBuffer frame) {
    return getU16(frame, frame.position() + CHUNK_INDEX_OFFSET);
  }

  /** {@code total_chunks} of the frame at {@code frame.position()}. */
  public static int totalChunks(ByteBuffer frame) {
    return getU16(frame, frame.position() + TOTAL_CHUNKS_OFFSET);
  }

  /** {@code payload_size} of the frame at {@code frame.position()}. */
  public static int payloadSize(ByteBuffer frame) {
    return getU16(frame, frame.position() + PAYLOAD_SIZE_OFFSET);
  }

  /**
   * Checks that the buffer's remaining bytes are exactly one well-formed frame. The event is not checked: an
   * event this version does not know is well-formed (see {@link #isSeedEvent}).
   *
   * @throws ProtocolException naming the field, its value and the limit it broke
   */
  public static void validate(ByteBuffer frame) throws ProtocolException {
    int length = frame.remaining();
    if (length < HEADER_LENGTH) {
      throw truncated(frame, length);
    }
    int payloadSize = payloadSize(frame);
    if (payloadSize > MAX_PAYLOAD_LENGTH) {
      throw payloadTooLarge(frame, payloadSize);
    }
    if (payloadSize != length - HEADER_LENGTH) {
      throw sizeMismatch(frame, payloadSize, length);
    }
    int totalChunks = totalChunks(frame);
    if (totalChunks == 0) {
      throw zeroTotalChunks(frame);
    }
    int chunkIndex = chunkIndex(frame);
    if (chunkIndex >= totalChunks) {
      throw chunkIndexOutOfRange(frame, chunkIndex, totalChunks);
    }
  }

  /**
   * Validates and decodes the frame that is the buffer's remaining bytes. The payload of the result is a slice of
   * {@code frame} (no copy); the buffer does not move.
   */
  public static DecodedFrame decode(ByteBuffer frame) throws ProtocolException {
    validate(frame);
    return new DecodedFrame(
        event(frame),
        socketId(frame),
        chunkId(frame),
        chunkIndex(frame),
        totalChunks(frame),
        frame.slice(frame.position() + HEADER_LENGTH, payloadSize(frame)));
  }

  static int getU16(ByteBuffer buffer, int index) {
    return ((buffer.get(index) & 0xFF) << 8) | (buffer.get(index + 1) & 0xFF);
  }

  static void putU16(ByteBuffer buffer, int index, int value) {
    buffer.put(index, (byte) (value >>> 8));
    buffer.put(index + 1, (byte) value);
  }

  // ---------------------------------------------------------------------------------------------------- cold paths

  /** " (socket 7, chunk 3)": the context every header error carries. */
  private static String where(ByteBuffer frame) {
    return " (socket " + socketId(frame) + ", chunk " + chunkId(frame) + ")";
  }

  private static ProtocolException truncated(ByteBuffer frame, int length) {
    int socketId = length >= SOCKET_ID_OFFSET + 2 ? socketId(frame) : ProtocolException.NO_SOCKET;
    return new ProtocolException(
        ProtocolException.Reason.TRUNCATED,
        socketId,
        "message length " + length + " < header length " + HEADER_LENGTH
            + (socketId == ProtocolException.NO_SOCKET ? "" : " (socket " + socketId + ")"));
  }

  private static ProtocolException payloadTooLarge(ByteBuffer frame, int payloadSize) {
    return new ProtocolException(
        ProtocolException.Reason.PAYLOAD_TOO_LARGE,
        socketId(frame),
        "payload_size " + payloadSize + " > max " + MAX_PAYLOAD_LENGTH + where(frame));
  }

  private static ProtocolException sizeMismatch(ByteBuffer frame, int payloadSize, int length) {
    return new ProtocolException(
        ProtocolException.Reason.PAYLOAD_SIZE_MISMATCH,
        socketId(frame),
        "payload_size " + payloadSize + " != message length " + length + " - " + HEADER_LENGTH + where(frame));
  }

  private static ProtocolException zeroTotalChunks(ByteBuffer frame) {
    return new ProtocolException(
        ProtocolException.Reason.ZERO_TOTAL_CHUNKS,
        socketId(frame),
        "total_chunks 0 < min 1" + where(frame));
  }

  private static ProtocolException chunkIndexOutOfRange(ByteBuffer frame, int chunkIndex, int totalChunks) {
    return new ProtocolException(
        ProtocolException.Reason.CHUNK_INDEX_OUT_OF_RANGE,
        socketId(frame),
        "chunk_index " + chunkIndex + " >= total_chunks " + totalChunks + where(frame));
  }

  private static void checkU8(String name, int value) {
    if ((value & ~0xFF) != 0) {
      throw badArgument(name, value, "0..255");
    }
  }

  static void checkU16(String name, int value) {
    if ((value & ~MAX_U16) != 0) {
      throw badArgument(name, value, "0.." + MAX_U16);
    }
  }

  static IllegalArgumentException badArgument(String name, long value, String expected) {
    return new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
  }
}
