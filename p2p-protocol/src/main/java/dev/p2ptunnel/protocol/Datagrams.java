package dev.p2ptunnel.protocol;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;

/**
 * The layout of one message on the datagram channel ({@link Extensions#FEATURE_DATAGRAMS}): a second channel,
 * unordered and unreliable, that carries UDP datagrams, one per message, never the frames of the first channel.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     kind      |          service_id           |    flow_id    :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :   (cont.)     |   payload (the UDP datagram's bytes) ...      :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>{@code kind} u8: {@link #KIND_DATAGRAM}; a message of another kind is ignored (room for later versions);
 *   <li>{@code service_id} u16: the UDP service of the host's SERVICES list;
 *   <li>{@code flow_id} u16: the client's flow, one per source address of the client's application; the host keeps a
 *       socket of its own per flow, so that replies reach the right sender, and answers with the same flow id;
 *   <li>payload: the datagram, 0 bytes or more; the message's length says how many.
 * </ul>
 *
 * <p>Big-endian, absolute indexes, the buffer never moved. Stateless and thread-safe.
 */
public final class Datagrams {
  /** Offset of {@code kind} (u8). */
  public static final int KIND_OFFSET = 0;
  /** Offset of {@code service_id} (u16). */
  public static final int SERVICE_ID_OFFSET = KIND_OFFSET + 1;
  /** Offset of {@code flow_id} (u16). */
  public static final int FLOW_ID_OFFSET = SERVICE_ID_OFFSET + 2;
  /** Length of the header; the datagram starts here. */
  public static final int HEADER_LENGTH = FLOW_ID_OFFSET + 2;
  /** {@code kind} of a message carrying one UDP datagram. */
  public static final int KIND_DATAGRAM = 0;

  private Datagrams() {}

  /** Writes a DATAGRAM header at absolute {@code index} of {@code dst}; does not move the buffer. */
  public static void writeHeader(ByteBuffer dst, int index, int serviceId, int flowId) {
    Frame.checkU16("serviceId", serviceId);
    Frame.checkU16("flowId", flowId);
    dst.put(index + KIND_OFFSET, (byte) KIND_DATAGRAM);
    Frame.putU16(dst, index + SERVICE_ID_OFFSET, serviceId);
    Frame.putU16(dst, index + FLOW_ID_OFFSET, flowId);
  }

  /** A new message carrying {@code payload}'s remaining bytes (copied; its position does not move). */
  public static ByteBuffer encode(int serviceId, int flowId, ByteBuffer payload) {
    ByteBuffer message = ByteBuffer.allocate(HEADER_LENGTH + payload.remaining());
    writeHeader(message, 0, serviceId, flowId);
    message.put(HEADER_LENGTH, payload, payload.position(), payload.remaining());
    return message;
  }

  /**
   * Checks that the message at {@code message.position()} has a whole header.
   *
   * @throws ProtocolException if it is shorter than {@value #HEADER_LENGTH} bytes
   */
  public static void validate(ByteBuffer message) throws ProtocolException {
    int length = message.remaining();
    if (length < HEADER_LENGTH) {
      throw new ProtocolException(Reason.TRUNCATED, ProtocolException.NO_SOCKET,
          "datagram message length " + length + " < header length " + HEADER_LENGTH);
    }
  }

  /** {@code kind} of a validated message. */
  public static int kind(ByteBuffer message) {
    return message.get(message.position() + KIND_OFFSET) & 0xFF;
  }

  /** {@code service_id} of a validated message. */
  public static int serviceId(ByteBuffer message) {
    return Frame.getU16(message, message.position() + SERVICE_ID_OFFSET);
  }

  /** {@code flow_id} of a validated message. */
  public static int flowId(ByteBuffer message) {
    return Frame.getU16(message, message.position() + FLOW_ID_OFFSET);
  }

  /** The datagram of a validated message, as a slice (no copy). */
  public static ByteBuffer payload(ByteBuffer message) {
    return message.slice(message.position() + HEADER_LENGTH, message.remaining() - HEADER_LENGTH);
  }
}
