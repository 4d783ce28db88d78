package dev.p2ptunnel.protocol;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Payload layouts of the resume extension ({@link Extensions#FEATURE_RESUME}; docs/PROTOCOL.md, "Resumable streams"):
 * the messages that let the logical sockets of two bridges survive the channel between them being replaced. Each is a
 * single frame with {@code chunk_id} 0, {@code chunk_index} 0, {@code total_chunks} 1, and takes no chunk id of its
 * socket. Integers are unsigned big-endian; a u64 above 2^63 − 1 is refused.
 *
 * <pre>
 * SESSION    socket 0  bridge_id u64 | peer_bridge_id u64 | channel u32 | window u32   (second message on a channel)
 * RESUME     socket s  received u64 | granted u64 | flags u8                         (one per socket the sender has)
 * RESUME_END socket 0  channel u32 | processed u64 | count u32                        (after the sender's RESUMEs)
 * BYE        socket 0  reason (UTF-8, at most 1024 bytes)                             (the sender closes on purpose)
 * </pre>
 *
 * <ul>
 *   <li>{@code bridge_id}: random, non-zero, fixed for the life of the sending bridge; {@code peer_bridge_id}: the
 *       {@code bridge_id} of the peer the sender talked to before this channel, 0 if none; {@code channel}: the
 *       sender's number for this channel (0, 1, 2, … per bridge); {@code window}: the sender's receive window per
 *       socket, {@link Extensions#INITIAL_WINDOW} … {@link #MAX_WINDOW}.
 *   <li>{@code received}: DATA payload bytes the sender received on socket s since it opened; {@code granted}: the
 *       DATA bytes it allows in all on s since it opened (received plus its remaining window); {@code flags}: bit 0
 *       {@link #FLAG_ENDED} (the sender's socket has ended, only its last messages may not have arrived yet), other
 *       bits are reserved, sent as 0 and ignored.
 *   <li>{@code channel} of RESUME_END: the recipient's number of the last channel whose messages the sender handled
 *       before this one; {@code processed}: how many messages of that channel it handled; {@code count}: the RESUME
 *       frames before it.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class Resumption {
  /** Offset of {@code bridge_id} in a SESSION payload. */
  public static final int SESSION_BRIDGE_ID_OFFSET = 0;
  /** Offset of {@code peer_bridge_id} in a SESSION payload. */
  public static final int SESSION_PEER_BRIDGE_ID_OFFSET = SESSION_BRIDGE_ID_OFFSET + 8;
  /** Offset of {@code channel} in a SESSION payload. */
  public static final int SESSION_CHANNEL_OFFSET = SESSION_PEER_BRIDGE_ID_OFFSET + 8;
  /** Offset of {@code window} in a SESSION payload. */
  public static final int SESSION_WINDOW_OFFSET = SESSION_CHANNEL_OFFSET + 4;
  /** Shortest SESSION payload (a later version may append bytes, which are ignored). */
  public static final int SESSION_LENGTH = SESSION_WINDOW_OFFSET + 4;

  /** Offset of {@code received} in a RESUME payload. */
  public static final int RESUME_RECEIVED_OFFSET = 0;
  /** Offset of {@code granted} in a RESUME payload. */
  public static final int RESUME_GRANTED_OFFSET = RESUME_RECEIVED_OFFSET + 8;
  /** Offset of {@code flags} in a RESUME payload. */
  public static final int RESUME_FLAGS_OFFSET = RESUME_GRANTED_OFFSET + 8;
  /** Length of a RESUME payload. */
  public static final int RESUME_LENGTH = RESUME_FLAGS_OFFSET + 1;

  /** Offset of {@code channel} in a RESUME_END payload. */
  public static final int END_CHANNEL_OFFSET = 0;
  /** Offset of {@code processed} in a RESUME_END payload. */
  public static final int END_PROCESSED_OFFSET = END_CHANNEL_OFFSET + 4;
  /** Offset of {@code count} in a RESUME_END payload. */
  public static final int END_COUNT_OFFSET = END_PROCESSED_OFFSET + 8;
  /** Length of a RESUME_END payload. */
  public static final int END_LENGTH = END_COUNT_OFFSET + 4;

  /** RESUME flag: the sender's socket has ended; it is listed because its last messages may not have arrived. */
  public static final int FLAG_ENDED = 1;

  /** Longest BYE reason, in UTF-8 bytes. */
  public static final int MAX_BYE_REASON_BYTES = 1024;
  /** Largest {@code window} a SESSION may announce: what a sender keeps per socket for resending is bounded by it. */
  public static final long MAX_WINDOW = 64L << 20;
  /** Most RESUME frames one list may hold: one per socket id. */
  public static final long MAX_COUNT = Frame.MAX_U16 + 1;

  /** A decoded SESSION. */
  public record Session(long bridgeId, long peerBridgeId, long channel, long window) {}

  /** A decoded RESUME of socket {@code socketId}; {@code ended}: {@link #FLAG_ENDED} was set. */
  public record Resume(int socketId, long received, long granted, boolean ended) {}

  /** A decoded RESUME_END. */
  public record End(long channel, long processed, long count) {}

  private Resumption() {}

  /**
   * A SESSION frame.
   *
   * @throws IllegalArgumentException if a value is out of its range
   */
  public static ByteBuffer session(long bridgeId, long peerBridgeId, long channel, long window) {
    if (bridgeId == 0) {
      throw Frame.badArgument("bridgeId", bridgeId, "!= 0");
    }
    checkU32("channel", channel);
    if (window < Extensions.INITIAL_WINDOW || window > MAX_WINDOW) {
      throw Frame.badArgument("window", window, Extensions.INITIAL_WINDOW + ".." + MAX_WINDOW);
    }
    ByteBuffer payload = ByteBuffer.allocate(SESSION_LENGTH);
    putU64(payload, SESSION_BRIDGE_ID_OFFSET, bridgeId);
    putU64(payload, SESSION_PEER_BRIDGE_ID_OFFSET, peerBridgeId);
    putU32(payload, SESSION_CHANNEL_OFFSET, channel);
    putU32(payload, SESSION_WINDOW_OFFSET, window);
    return Frame.encode(Frame.EVENT_SESSION, 0, 0, 0, 1, payload);
  }

  /** Reads a SESSION frame (extra bytes of a later version are ignored). */
  public static Session session(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, SESSION_LENGTH, false);
    int base = frame.position() + Frame.HEADER_LENGTH;
    long bridgeId = getU64(frame, base + SESSION_BRIDGE_ID_OFFSET);
    if (bridgeId == 0) {
      throw bad(frame, "SESSION bridge_id 0 (expected: non-zero)");
    }
    long window = getU32(frame, base + SESSION_WINDOW_OFFSET);
    if (window < Extensions.INITIAL_WINDOW || window > MAX_WINDOW) {
      throw bad(frame, "SESSION window " + window + " (expected: " + Extensions.INITIAL_WINDOW + ".." + MAX_WINDOW
          + ")");
    }
    return new Session(bridgeId, getU64(frame, base + SESSION_PEER_BRIDGE_ID_OFFSET),
        getU32(frame, base + SESSION_CHANNEL_OFFSET), window);
  }

  /**
   * A RESUME frame for {@code socketId}.
   *
   * @throws IllegalArgumentException if {@code received} is negative or above {@code granted}
   */
  public static ByteBuffer resume(int socketId, long received, long granted, boolean ended) {
    if (received < 0 || received > granted) {
      throw Frame.badArgument("received", received, "0.." + granted + " (granted)");
    }
    ByteBuffer payload = ByteBuffer.allocate(RESUME_LENGTH);
    putU64(payload, RESUME_RECEIVED_OFFSET, received);
    putU64(payload, RESUME_GRANTED_OFFSET, granted);
    payload.put(RESUME_FLAGS_OFFSET, (byte) (ended ? FLAG_ENDED : 0));
    return Frame.encode(Frame.EVENT_RESUME, socketId, 0, 0, 1, payload);
  }

  /** Reads a RESUME frame. */
  public static Resume resume(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, RESUME_LENGTH, true);
    int base = frame.position() + Frame.HEADER_LENGTH;
    long received = u63(frame, base + RESUME_RECEIVED_OFFSET, "received");
    long granted = u63(frame, base + RESUME_GRANTED_OFFSET, "granted");
    if (received > granted) {
      throw bad(frame, "RESUME received " + received + " > granted " + granted + where(frame));
    }
    boolean ended = (frame.get(base + RESUME_FLAGS_OFFSET) & FLAG_ENDED) != 0;
    return new Resume(Frame.socketId(frame), received, granted, ended);
  }

  /** A RESUME_END frame. */
  public static ByteBuffer end(long channel, long processed, long count) {
    checkU32("channel", channel);
    if (processed < 0) {
      throw Frame.badArgument("processed", processed, ">= 0");
    }
    if (count < 0 || count > MAX_COUNT) {
      throw Frame.badArgument("count", count, "0.." + MAX_COUNT);
    }
    ByteBuffer payload = ByteBuffer.allocate(END_LENGTH);
    putU32(payload, END_CHANNEL_OFFSET, channel);
    putU64(payload, END_PROCESSED_OFFSET, processed);
    putU32(payload, END_COUNT_OFFSET, count);
    return Frame.encode(Frame.EVENT_RESUME_END, 0, 0, 0, 1, payload);
  }

  /** Reads a RESUME_END frame. */
  public static End end(ByteBuffer frame) throws ProtocolException {
    requirePayload(frame, END_LENGTH, true);
    int base = frame.position() + Frame.HEADER_LENGTH;
    long count = getU32(frame, base + END_COUNT_OFFSET);
    if (count > MAX_COUNT) {
      throw bad(frame, "RESUME_END count " + count + " > max " + MAX_COUNT);
    }
    return new End(getU32(frame, base + END_CHANNEL_OFFSET), u63(frame, base + END_PROCESSED_OFFSET, "processed"),
        count);
  }

  /**
   * A BYE frame; a reason longer than {@link #MAX_BYE_REASON_BYTES} in UTF-8 is cut at a character boundary.
   */
  public static ByteBuffer bye(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    int length = bytes.length;
    if (length > MAX_BYE_REASON_BYTES) {
      length = MAX_BYE_REASON_BYTES;
      while (length > 0 && (bytes[length] & 0xC0) == 0x80) {
        length--; // never end inside a multi-byte character
      }
    }
    return Frame.encode(Frame.EVENT_BYE, 0, 0, 0, 1, ByteBuffer.wrap(bytes, 0, length));
  }

  /**
   * The reason of a BYE frame, safe to print: malformed UTF-8 is refused, and control, format and bidi characters
   * (which could rewrite a terminal line) become {@code '?'}.
   */
  public static String byeReason(ByteBuffer frame) throws ProtocolException {
    int size = Frame.payloadSize(frame);
    if (size > MAX_BYE_REASON_BYTES) {
      throw bad(frame, "BYE payload_size " + size + " > max " + MAX_BYE_REASON_BYTES);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(frame.slice(frame.position() + Frame.HEADER_LENGTH, size)).toString();
    } catch (CharacterCodingException e) {
      throw bad(frame, "BYE reason is not UTF-8 (" + e.getMessage() + ")");
    }
    StringBuilder safe = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      int type = Character.getType(c);
      boolean unsafe = type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
          || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR;
      safe.appendCodePoint(unsafe ? '?' : c);
    });
    return safe.toString();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static void requirePayload(ByteBuffer frame, int length, boolean exact) throws ProtocolException {
    int size = Frame.payloadSize(frame);
    if (exact ? size != length : size < length) {
      throw bad(frame, Frame.eventName(Frame.event(frame)) + " payload_size " + size + (exact ? " != " : " < ")
          + length + where(frame));
    }
  }

  private static long u63(ByteBuffer frame, int index, String field) throws ProtocolException {
    long value = getU64(frame, index);
    if (value < 0) {
      throw bad(frame, Frame.eventName(Frame.event(frame)) + " " + field + " " + Long.toUnsignedString(value)
          + " > max " + Long.MAX_VALUE + where(frame));
    }
    return value;
  }

  private static String where(ByteBuffer frame) {
    return " (socket " + Frame.socketId(frame) + ")";
  }

  private static ProtocolException bad(ByteBuffer frame, String message) {
    return new ProtocolException(Reason.BAD_PAYLOAD, Frame.socketId(frame), message);
  }

  private static void checkU32(String name, long value) {
    if ((value & ~0xFFFF_FFFFL) != 0) {
      throw Frame.badArgument(name, value, "0..4294967295");
    }
  }

  private static void putU64(ByteBuffer buffer, int index, long value) {
    for (int i = 0; i < 8; i++) {
      buffer.put(index + i, (byte) (value >>> (56 - 8 * i)));
    }
  }

  /** Big-endian whatever the buffer's {@link ByteBuffer#order()} says. */
  private static long getU64(ByteBuffer buffer, int index) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (buffer.get(index + i) & 0xFF);
    }
    return value;
  }

  private static void putU32(ByteBuffer buffer, int index, long value) {
    Frame.putU16(buffer, index, (int) (value >>> 16) & 0xFFFF);
    Frame.putU16(buffer, index + 2, (int) value & 0xFFFF);
  }

  private static long getU32(ByteBuffer buffer, int index) {
    return ((long) Frame.getU16(buffer, index) << 16) | Frame.getU16(buffer, index + 2);
  }
}
