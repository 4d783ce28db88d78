package dev.p2ptunnel.protocol;

import dev.p2ptunnel.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Payload layouts of the named-services extension ({@link Extensions#FEATURE_SERVICES}): the host's list of services,
 * the service a CONNECT names, and the reason the host gives before the CLOSE that refuses a socket. Used only when
 * both sides announced the feature; an original peer never sees them. Single frames with {@code chunk_id} 0,
 * {@code chunk_index} 0, {@code total_chunks} 1, like every extension message.
 *
 * <pre>
 * SERVICES socket 0   count u16, then count entries:                        (host → client, after HELLO; again
 *                       service_id u16 | protocol u8 | flags u8 | port u16     whenever the list changes)
 *                       | name_length u8 | name (name_length ASCII bytes)
 *                     protocol: 0 TCP, 1 UDP (an entry with another value is skipped)
 *                     flags: bit 0 = default (the service an empty CONNECT reaches); other bits ignored
 *                     bytes after the last entry are ignored
 * CONNECT  socket s   empty (the default service) | service_id u16        (the seed event; its payload only)
 * REASON   socket s   text, UTF-8, 1..1024 bytes                           (sent right before a CLOSE for s)
 * </pre>
 *
 * <p>Service names: 1 to {@value #MAX_NAME_LENGTH} ASCII letters, digits, {@code .}, {@code _} and {@code -},
 * starting with a letter or a digit. Stateless and thread-safe.
 */
public final class ServiceMessages {
  /** {@code protocol} of a TCP service. */
  public static final int PROTOCOL_TCP = 0;
  /** {@code protocol} of a UDP service. */
  public static final int PROTOCOL_UDP = 1;
  /** {@code flags} bit: the default service, which a CONNECT without a service id (an original client's) reaches. */
  public static final int FLAG_DEFAULT = 1;

  /** Offset of {@code count} in a SERVICES payload. */
  public static final int COUNT_OFFSET = 0;
  /** Where the first entry starts. */
  public static final int ENTRIES_OFFSET = COUNT_OFFSET + 2;
  /** Offset of {@code service_id} within an entry. */
  public static final int ENTRY_ID_OFFSET = 0;
  /** Offset of {@code protocol} within an entry. */
  public static final int ENTRY_PROTOCOL_OFFSET = ENTRY_ID_OFFSET + 2;
  /** Offset of {@code flags} within an entry. */
  public static final int ENTRY_FLAGS_OFFSET = ENTRY_PROTOCOL_OFFSET + 1;
  /** Offset of {@code port} within an entry. */
  public static final int ENTRY_PORT_OFFSET = ENTRY_FLAGS_OFFSET + 1;
  /** Offset of {@code name_length} within an entry. */
  public static final int ENTRY_NAME_LENGTH_OFFSET = ENTRY_PORT_OFFSET + 2;
  /** Bytes of an entry before its name. */
  public static final int ENTRY_FIXED_LENGTH = ENTRY_NAME_LENGTH_OFFSET + 1;

  /** Longest service name, in bytes. */
  public static final int MAX_NAME_LENGTH = 64;
  /** Most services in one list: so that the longest list fits one frame (256 × 72 + 2 bytes). */
  public static final int MAX_SERVICES = 256;
  /** Length of a CONNECT payload that names a service. */
  public static final int CONNECT_SERVICE_LENGTH = 2;
  /** Longest REASON text, in bytes. */
  public static final int MAX_REASON_LENGTH = 1024;

  /** What {@link #connectServiceId} returns for an empty CONNECT payload: the default service. */
  public static final int DEFAULT_SERVICE = -1;

  /**
   * One service of a SERVICES list.
   *
   * @param id the id a CONNECT (and a datagram) names it by, 0..65535
   * @param protocol {@link #PROTOCOL_TCP} or {@link #PROTOCOL_UDP}
   * @param isDefault whether a CONNECT without a service id reaches it
   * @param port its port on the host (what a client maps by default), 1..65535
   * @param name its name, following the rule of the class comment
   */
  public record Entry(int id, int protocol, boolean isDefault, int port, String name) {
    /** Validates the fields (a caller bug otherwise). */
    public Entry {
      Frame.checkU16("id", id);
      if (protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP) {
        throw Frame.badArgument("protocol", protocol, PROTOCOL_TCP + " (TCP) or " + PROTOCOL_UDP + " (UDP)");
      }
      if (port < 1 || port > Frame.MAX_U16) {
        throw Frame.badArgument("port", port, "1.." + Frame.MAX_U16);
      }
      String problem = nameProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException("name: " + problem);
      }
    }
  }

  private ServiceMessages() {}

  /**
   * Why {@code name} is not a valid service name, or null if it is: e.g. {@code "\"web server\" has ' ' at index 3
   * (expected: 1..64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"}.
   */
  public static @Nullable String nameProblem(String name) {
    String rule = " (expected: 1.." + MAX_NAME_LENGTH + " of A-Z a-z 0-9 . _ -, starting with a letter or digit)";
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return "\"" + shown(name) + "\" has " + name.length() + " characters" + rule;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return "\"" + shown(name) + "\" has " + describe(c) + " at index " + i + rule;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------- SERVICES

  /** A SERVICES frame listing {@code entries} (at most {@value #MAX_SERVICES}). */
  public static ByteBuffer services(List<Entry> entries) {
    if (entries.size() > MAX_SERVICES) {
      throw Frame.badArgument("entries", entries.size(), "0.." + MAX_SERVICES);
    }
    int length = ENTRIES_OFFSET;
    for (Entry entry : entries) {
      length += ENTRY_FIXED_LENGTH + entry.name().length();
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    Frame.putU16(payload, COUNT_OFFSET, entries.size());
    int at = ENTRIES_OFFSET;
    for (Entry entry : entries) {
      Frame.putU16(payload, at + ENTRY_ID_OFFSET, entry.id());
      payload.put(at + ENTRY_PROTOCOL_OFFSET, (byte) entry.protocol());
      payload.put(at + ENTRY_FLAGS_OFFSET, (byte) (entry.isDefault() ? FLAG_DEFAULT : 0));
      Frame.putU16(payload, at + ENTRY_PORT_OFFSET, entry.port());
      byte[] name = entry.name().getBytes(StandardCharsets.US_ASCII);
      payload.put(at + ENTRY_NAME_LENGTH_OFFSET, (byte) name.length);
      payload.put(at + ENTRY_FIXED_LENGTH, name);
      at += ENTRY_FIXED_LENGTH + name.length;
    }
    return Frame.encode(Frame.EVENT_SERVICES, 0, 0, 0, 1, payload);
  }

  /**
   * The entries of a SERVICES frame, in order; entries of a protocol this version does not know are skipped.
   *
   * @throws ProtocolException naming the entry, the field, its value and the limit
   */
  public static List<Entry> decodeServices(ByteBuffer frame) throws ProtocolException {
    int base = frame.position() + Frame.HEADER_LENGTH;
    int size = Frame.payloadSize(frame);
    if (size < ENTRIES_OFFSET) {
      throw bad(0, "SERVICES payload_size " + size + " < " + ENTRIES_OFFSET + " (socket 0)");
    }
    int count = Frame.getU16(frame, base + COUNT_OFFSET);
    if (count > MAX_SERVICES) {
      throw bad(0, "SERVICES count " + count + " > max " + MAX_SERVICES + " (socket 0)");
    }
    List<Entry> entries = new ArrayList<>(count);
    int at = ENTRIES_OFFSET;
    for (int i = 0; i < count; i++) {
      if (at + ENTRY_FIXED_LENGTH > size) {
        throw truncatedEntry(i, at, ENTRY_FIXED_LENGTH, size);
      }
      int id = Frame.getU16(frame, base + at + ENTRY_ID_OFFSET);
      int protocol = frame.get(base + at + ENTRY_PROTOCOL_OFFSET) & 0xFF;
      int flags = frame.get(base + at + ENTRY_FLAGS_OFFSET) & 0xFF;
      int port = Frame.getU16(frame, base + at + ENTRY_PORT_OFFSET);
      int nameLength = frame.get(base + at + ENTRY_NAME_LENGTH_OFFSET) & 0xFF;
      if (at + ENTRY_FIXED_LENGTH + nameLength > size) {
        throw truncatedEntry(i, at, ENTRY_FIXED_LENGTH + nameLength, size);
      }
      byte[] raw = new byte[nameLength];
      frame.get(base + at + ENTRY_FIXED_LENGTH, raw);
      String name = new String(raw, StandardCharsets.ISO_8859_1);
      at += ENTRY_FIXED_LENGTH + nameLength;
      if (protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP) {
        continue; // a later version's kind of service: not for us
      }
      String problem = nameProblem(name);
      if (problem != null) {
        throw bad(0, "SERVICES entry " + i + " name " + problem + " (socket 0)");
      }
      if (port == 0) {
        throw bad(0, "SERVICES entry " + i + " port 0 < min 1 (socket 0)");
      }
      entries.add(new Entry(id, protocol, (flags & FLAG_DEFAULT) != 0, port, name));
    }
    return entries;
  }

  // ---------------------------------------------------------------------------------------------------- CONNECT

  /** The payload of a CONNECT that names service {@code serviceId}. */
  public static ByteBuffer connectPayload(int serviceId) {
    Frame.checkU16("serviceId", serviceId);
    ByteBuffer payload = ByteBuffer.allocate(CONNECT_SERVICE_LENGTH);
    Frame.putU16(payload, 0, serviceId);
    return payload;
  }

  /**
   * The service a CONNECT names: its payload's {@code service_id}, or {@link #DEFAULT_SERVICE} for an empty payload.
   *
   * @param payload the CONNECT message's payload (its remaining bytes)
   * @throws ProtocolException if the payload is neither empty nor two bytes
   */
  public static int connectServiceId(ByteBuffer payload, int socketId) throws ProtocolException {
    int size = payload.remaining();
    if (size == 0) {
      return DEFAULT_SERVICE;
    }
    if (size != CONNECT_SERVICE_LENGTH) {
      throw bad(socketId, "CONNECT payload_size " + size + " != 0 or " + CONNECT_SERVICE_LENGTH
          + " (socket " + socketId + ")");
    }
    return Frame.getU16(payload, payload.position());
  }

  // ---------------------------------------------------------------------------------------------------- REASON

  /** A REASON frame for {@code socketId}: {@code text} as UTF-8, cut at {@value #MAX_REASON_LENGTH} bytes. */
  public static ByteBuffer reason(int socketId, String text) {
    byte[] bytes = text.isEmpty() ? new byte[] {'?'} : text.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(bytes.length, MAX_REASON_LENGTH);
    while (length < bytes.length && (bytes[length] & 0xC0) == 0x80) {
      length--; // do not cut a character in two
    }
    return Frame.encode(Frame.EVENT_REASON, socketId, 0, 0, 1, ByteBuffer.wrap(bytes, 0, length));
  }

  /**
   * The text of a REASON frame, made safe to show: invalid UTF-8 becomes U+FFFD, control and format characters a
   * space.
   *
   * @throws ProtocolException if the text is empty or longer than {@value #MAX_REASON_LENGTH} bytes
   */
  public static String reasonText(ByteBuffer frame) throws ProtocolException {
    int size = Frame.payloadSize(frame);
    int socketId = Frame.socketId(frame);
    if (size < 1 || size > MAX_REASON_LENGTH) {
      throw bad(socketId, "REASON payload_size " + size + " not in 1.." + MAX_REASON_LENGTH + " (socket "
          + socketId + ")");
    }
    byte[] raw = new byte[size];
    frame.get(frame.position() + Frame.HEADER_LENGTH, raw);
    StringBuilder text = new StringBuilder(new String(raw, StandardCharsets.UTF_8));
    for (int i = 0; i < text.length(); i++) {
      int type = Character.getType(text.charAt(i));
      if (type == Character.CONTROL || type == Character.FORMAT) {
        text.setCharAt(i, ' ');
      }
    }
    return text.toString();
  }

  // ---------------------------------------------------------------------------------------------------- cold paths

  private static ProtocolException truncatedEntry(int index, int offset, int needed, int size) {
    return bad(0, "SERVICES entry " + index + " truncated: " + needed + " bytes at offset " + offset
        + " > payload_size " + size + " (socket 0)");
  }

  private static ProtocolException bad(int socketId, String message) {
    return new ProtocolException(Reason.BAD_PAYLOAD, socketId, message);
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private static String shown(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && i < MAX_NAME_LENGTH + 8; i++) {
      char c = name.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.toString();
  }
}
