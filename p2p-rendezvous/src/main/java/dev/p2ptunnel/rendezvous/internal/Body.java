package dev.p2ptunnel.rendezvous.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The plaintext sealed in an {@link Envelope}: the message type, its fields, zero padding. Big-endian.
 *
 * <pre>
 *  0        1                  5                 5+n
 *  +--------+------------------+-----------------+---------------------------------------------+
 *  | type   | body length n    | body            | zero padding, to a multiple of 256 bytes    |
 *  | u8     | u32              | n bytes         |                                             |
 *  +--------+------------------+-----------------+---------------------------------------------+
 *  body = the type's fields in their order, each a u32 length and that many bytes
 * </pre>
 *
 * The padding hides the exact length of names and descriptions from the broker (it sees the size to 256 bytes).
 * Texts are UTF-8; an empty optional field means "absent". Each {@link Type} fixes its direction, the key it travels
 * under and its fields with their limits. Immutable.
 */
public final class Body {
  static final int TYPE_OFFSET = 0;
  static final int LENGTH_OFFSET = TYPE_OFFSET + 1;
  static final int FIELDS_OFFSET = LENGTH_OFFSET + Integer.BYTES;
  /** Plaintexts are padded to a multiple of this. */
  public static final int PAD_TO = 256;
  /** The largest body (fields with their lengths). */
  static final int MAX_BODY = 70_000;
  /** The largest padded plaintext. */
  public static final int MAX_PLAINTEXT = (FIELDS_OFFSET + MAX_BODY + PAD_TO - 1) / PAD_TO * PAD_TO;

  /** One field: its name in error messages and its length limits in bytes. */
  record Field(String name, int min, int max, boolean text) {}

  private static Field bytes(String name, int min, int max) {
    return new Field(name, min, max, false);
  }

  private static Field text(String name, int min, int max) {
    return new Field(name, min, max, true);
  }

  /** The messages of the join exchange over rendezvous (docs/SIGNALING.md, "Rendezvous"). */
  public enum Type {
    /** Client asks for the host, with its ephemeral X25519 key. Session key. */
    HELLO(1, Direction.CLIENT_TO_HOST, Envelope.KEY_SESSION, bytes("client key", 32, 32)),
    /** Host answers a hello with its ephemeral key for this join. Session key. */
    WELCOME(2, Direction.HOST_TO_CLIENT, Envelope.KEY_SESSION, bytes("host key", 32, 32)),
    /** JoinOffer: name, offer SDP, commitment (empty: none). */
    OFFER(3, Direction.CLIENT_TO_HOST, Envelope.KEY_JOIN, text("client name", 1, 256), text("offer", 3, 65_536),
        bytes("commitment", 0, 32)),
    /** JoinChallenge: host fingerprint and nonce. */
    CHALLENGE(4, Direction.HOST_TO_CLIENT, Envelope.KEY_JOIN, text("fingerprint", 1, 160),
        bytes("host nonce", 32, 32)),
    /** JoinReveal: nonce, certificate and proof (empty: none). */
    REVEAL(5, Direction.CLIENT_TO_HOST, Envelope.KEY_JOIN, bytes("client nonce", 32, 32),
        bytes("certificate", 0, 4096), bytes("proof", 0, 512)),
    /** JoinAnswer: answer SDP, host nonce (empty: none). */
    ANSWER(6, Direction.HOST_TO_CLIENT, Envelope.KEY_JOIN, text("answer", 3, 65_536), bytes("host nonce", 0, 32)),
    /** The host refuses, with its reason. Join key, or the session key before the join has keys. */
    REFUSE(7, Direction.HOST_TO_CLIENT, -1, text("reason", 1, 2000)),
    /** The host has the client's last message; its decision is pending. */
    PENDING(8, Direction.HOST_TO_CLIENT, Envelope.KEY_JOIN),
    /** The client gives up before an answer, with its reason (may be empty). */
    WITHDRAW(9, Direction.CLIENT_TO_HOST, Envelope.KEY_JOIN, text("reason", 0, 2000)),
    /** The host carries ICE restarts of this join; sent right before its ANSWER (older clients discard it). */
    RESTARTS(10, Direction.HOST_TO_CLIENT, Envelope.KEY_JOIN),
    /** ICE restart offer of an answered join: its number (from 1, increasing), the offer SDP. */
    RESTART(11, Direction.CLIENT_TO_HOST, Envelope.KEY_JOIN, bytes("restart number", 8, 8), text("offer", 3, 65_536)),
    /** The host's answer to ICE restart {@code number}. */
    RESTART_ANSWER(12, Direction.HOST_TO_CLIENT, Envelope.KEY_JOIN, bytes("restart number", 8, 8),
        text("answer", 3, 65_536)),
    /** The host does not answer restart {@code number}: final (1: the join takes no more) or not (0), the reason. */
    RESTART_REFUSED(13, Direction.HOST_TO_CLIENT, Envelope.KEY_JOIN, bytes("restart number", 8, 8),
        bytes("final", 1, 1), text("reason", 1, 2000)),
    /** The host does not know the join of the header (forgotten, or the host restarted), with its reason. */
    GONE(14, Direction.HOST_TO_CLIENT, Envelope.KEY_SESSION, text("reason", 1, 2000));

    final int code;
    final Direction direction;
    final int key;
    final Field[] fields;

    Type(int code, Direction direction, int key, Field... fields) {
      this.code = code;
      this.direction = direction;
      this.key = key;
      this.fields = fields;
    }

    /** Which way this type goes. */
    public Direction direction() {
      return direction;
    }

    /** Whether this type may travel under the key selector {@code key}. */
    public boolean allowedUnder(int key) {
      return this.key < 0 || this.key == key;
    }

    static @Nullable Type of(int code) {
      for (Type type : values()) {
        if (type.code == code) {
          return type;
        }
      }
      return null;
    }
  }

  private final Type type;
  private final byte[][] fields;

  private Body(Type type, byte[][] fields) {
    this.type = type;
    this.fields = fields;
  }

  public Type type() {
    return type;
  }

  /** Field {@code i} as bytes (a copy). */
  public byte[] bytes(int i) {
    return fields[i].clone();
  }

  /** Field {@code i} as bytes, or null if empty (an absent optional field). */
  public byte @Nullable [] optional(int i) {
    return fields[i].length == 0 ? null : fields[i].clone();
  }

  /** Field {@code i}, an 8-byte field, as a big-endian signed number. */
  public long number(int i) {
    return ByteBuffer.wrap(fields[i]).order(ByteOrder.BIG_ENDIAN).getLong(0);
  }

  /** {@code value} as the 8 big-endian bytes of a number field. */
  public static byte[] u64(long value) {
    return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.BIG_ENDIAN).putLong(0, value).array();
  }

  /** Field {@code i} as text (checked UTF-8 when decoded). */
  public String text(int i) {
    return new String(fields[i], StandardCharsets.UTF_8);
  }

  /**
   * Encodes a message of {@code type}; a field is {@code byte[]}, {@code String} (UTF-8) or null (empty).
   *
   * @throws IllegalArgumentException if the count of fields or a length is not what {@code type} allows
   */
  public static byte[] encode(Type type, @Nullable Object... values) {
    if (values.length != type.fields.length) {
      throw new IllegalArgumentException(type + ": " + values.length + " fields (expected: " + type.fields.length
          + ")");
    }
    byte[][] raw = new byte[values.length][];
    int bodyLength = 0;
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      raw[i] = value == null ? new byte[0] : value instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
          : ((byte[]) value).clone();
      Field field = type.fields[i];
      if (raw[i].length < field.min || raw[i].length > field.max) {
        throw new IllegalArgumentException(type + " " + field.name + ": " + raw[i].length + " bytes (expected: "
            + field.min + ".." + field.max + ")");
      }
      bodyLength += Integer.BYTES + raw[i].length;
    }
    int padded = (FIELDS_OFFSET + bodyLength + PAD_TO - 1) / PAD_TO * PAD_TO;
    ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.BIG_ENDIAN);
    out.put(TYPE_OFFSET, (byte) type.code);
    out.putInt(LENGTH_OFFSET, bodyLength);
    int at = FIELDS_OFFSET;
    for (byte[] field : raw) {
      out.putInt(at, field.length);
      out.put(at + Integer.BYTES, field);
      at += Integer.BYTES + field.length;
    }
    return out.array();
  }

  /**
   * Decodes a plaintext, checking the type, every length against its limit before reading it, that the fields fill
   * the body exactly, UTF-8 texts and zero padding.
   *
   * @throws InvalidMessageException naming the field, the value and the limit
   */
  public static Body decode(byte[] plaintext) throws InvalidMessageException {
    if (plaintext.length < FIELDS_OFFSET || plaintext.length % PAD_TO != 0 || plaintext.length > MAX_PLAINTEXT) {
      throw new InvalidMessageException("plaintext length " + plaintext.length + " (expected: a multiple of " + PAD_TO
          + " up to " + MAX_PLAINTEXT + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(plaintext).order(ByteOrder.BIG_ENDIAN);
    int code = in.get(TYPE_OFFSET) & 0xFF;
    Type type = Type.of(code);
    if (type == null) {
      throw new InvalidMessageException("type " + code + " (expected: 1.." + Type.values().length + ")");
    }
    long bodyLength = in.getInt(LENGTH_OFFSET) & 0xFFFF_FFFFL;
    long end = FIELDS_OFFSET + bodyLength;
    if (end > plaintext.length) {
      throw new InvalidMessageException(type + ": body length " + bodyLength + " > " + (plaintext.length
          - FIELDS_OFFSET) + " bytes left");
    }
    byte[][] fields = new byte[type.fields.length][];
    int at = FIELDS_OFFSET;
    for (int i = 0; i < fields.length; i++) {
      Field field = type.fields[i];
      if (at + Integer.BYTES > end) {
        throw new InvalidMessageException(type + " " + field.name + ": missing (the body ends at " + bodyLength
            + " bytes)");
      }
      long length = in.getInt(at) & 0xFFFF_FFFFL;
      if (length < field.min || length > field.max) {
        throw new InvalidMessageException(type + " " + field.name + ": " + length + " bytes (expected: " + field.min
            + ".." + field.max + ")");
      }
      if (at + Integer.BYTES + length > end) {
        throw new InvalidMessageException(type + " " + field.name + ": " + length + " bytes > "
            + (end - at - Integer.BYTES) + " left in the body");
      }
      fields[i] = Arrays.copyOfRange(plaintext, at + Integer.BYTES, at + Integer.BYTES + (int) length);
      if (field.text) {
        checkUtf8(type, field, fields[i]);
      }
      at += Integer.BYTES + (int) length;
    }
    if (at != end) {
      throw new InvalidMessageException(type + ": " + (end - at) + " bytes after the last field");
    }
    for (int i = (int) end; i < plaintext.length; i++) {
      if (plaintext[i] != 0) {
        throw new InvalidMessageException(type + ": padding byte " + i + " is " + (plaintext[i] & 0xFF)
            + " (expected: 0)");
      }
    }
    return new Body(type, fields);
  }

  private static void checkUtf8(Type type, Field field, byte[] bytes) throws InvalidMessageException {
    try {
      CharBuffer unused = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      assert unused != null;
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(type + " " + field.name + ": not UTF-8 (" + e.getMessage() + ")");
    }
  }

  @Override
  public String toString() {
    return "Body[" + type + ", " + fields.length + " fields]"; // never the contents
  }
}
