package dev.p2ptunnel.rendezvous.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One MQTT message of rendezvous: a clear header, then the {@link Body} sealed with AES-256-GCM. Big-endian.
 *
 * <pre>
 *  0         1         2                18                 34                  42               54
 *  +---------+---------+----------------+------------------+-------------------+----------------+------------+-------+
 *  | version | key     | join id        | message id       | sent at           | IV             | ciphertext | tag   |
 *  | u8 = 1  | u8      | 16 bytes       | 16 bytes         | i64, ms since 1970| 12 bytes       | n bytes    | 16    |
 *  +---------+---------+----------------+------------------+-------------------+----------------+------------+-------+
 * </pre>
 *
 * <ul>
 *   <li>key: {@link #KEY_SESSION} (the Session ID's key of the direction: hello, welcome, a refusal before the join
 *       has keys) or {@link #KEY_JOIN} (the join's own key of the direction).
 *   <li>join id: chosen by the client at random for each join; message id: random per message, so that copies from
 *       several brokers and replays are recognised; sent at: the sender's clock.
 *   <li>The whole header is the AEAD's associated data: changing any byte of it, or of the ciphertext, fails
 *       authentication. The direction is bound by the key (each direction has its own).
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class Envelope {
  /** The format version this code writes and reads. */
  public static final int VERSION = 1;
  /** Key selector: the session key of the direction. */
  public static final int KEY_SESSION = 0;
  /** Key selector: the join's key of the direction. */
  public static final int KEY_JOIN = 1;
  /** Length of join and message ids. */
  public static final int ID_BYTES = 16;

  static final int VERSION_OFFSET = 0;
  static final int KEY_OFFSET = VERSION_OFFSET + 1;
  static final int JOIN_ID_OFFSET = KEY_OFFSET + 1;
  static final int MESSAGE_ID_OFFSET = JOIN_ID_OFFSET + ID_BYTES;
  static final int SENT_AT_OFFSET = MESSAGE_ID_OFFSET + ID_BYTES;
  static final int IV_OFFSET = SENT_AT_OFFSET + Long.BYTES;
  static final int IV_BYTES = 12;
  /** Bytes before the ciphertext: 54. */
  public static final int HEADER_LENGTH = IV_OFFSET + IV_BYTES;
  static final int TAG_BYTES = 16;
  /** The shortest message: a header, the smallest padded body, the tag. */
  public static final int MIN_LENGTH = HEADER_LENGTH + Body.PAD_TO + TAG_BYTES;
  /** The longest message we send or accept. */
  public static final int MAX_LENGTH = HEADER_LENGTH + Body.MAX_PLAINTEXT + TAG_BYTES;

  private Envelope() {}

  /** The clear header of a message. */
  public record Header(int key, byte[] joinId, byte[] messageId, long sentAtMs) {}

  /** Seals {@code plaintext} (an encoded {@link Body}) under {@code key}; returns the whole message. */
  public static byte[] seal(SecretKey key, int keySelector, byte[] joinId, byte[] messageId, long sentAtMs,
      byte[] plaintext, SecureRandom random) {
    if (keySelector != KEY_SESSION && keySelector != KEY_JOIN) {
      throw new IllegalArgumentException("keySelector: " + keySelector + " (expected: 0 or 1)");
    }
    if (joinId.length != ID_BYTES || messageId.length != ID_BYTES) {
      throw new IllegalArgumentException("ids: " + joinId.length + " and " + messageId.length + " bytes (expected: "
          + ID_BYTES + ")");
    }
    if (plaintext.length > Body.MAX_PLAINTEXT) {
      throw new IllegalArgumentException("plaintext: " + plaintext.length + " bytes (expected: at most "
          + Body.MAX_PLAINTEXT + ")");
    }
    byte[] message = new byte[HEADER_LENGTH + plaintext.length + TAG_BYTES];
    ByteBuffer out = ByteBuffer.wrap(message).order(ByteOrder.BIG_ENDIAN);
    out.put(VERSION_OFFSET, (byte) VERSION);
    out.put(KEY_OFFSET, (byte) keySelector);
    out.put(JOIN_ID_OFFSET, joinId);
    out.put(MESSAGE_ID_OFFSET, messageId);
    out.putLong(SENT_AT_OFFSET, sentAtMs);
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    out.put(IV_OFFSET, iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
      cipher.updateAAD(message, 0, HEADER_LENGTH);
      int n = cipher.doFinal(plaintext, 0, plaintext.length, message, HEADER_LENGTH);
      assert n == plaintext.length + TAG_BYTES;
    } catch (GeneralSecurityException e) {
      throw Hkdf.missing("AES/GCM/NoPadding", e);
    }
    return message;
  }

  /**
   * Reads the clear header, checking the length, the version and the key selector; authenticates nothing.
   *
   * @throws InvalidMessageException naming what is wrong
   */
  public static Header header(byte[] message) throws InvalidMessageException {
    if (message.length < MIN_LENGTH || message.length > MAX_LENGTH) {
      throw new InvalidMessageException("length " + message.length + " bytes (expected: " + MIN_LENGTH + ".."
          + MAX_LENGTH + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.BIG_ENDIAN);
    int version = in.get(VERSION_OFFSET) & 0xFF;
    if (version != VERSION) {
      throw new InvalidMessageException("version " + version + " (expected: " + VERSION + "; the peer runs another "
          + "p2p-tunnel version)");
    }
    int key = in.get(KEY_OFFSET) & 0xFF;
    if (key != KEY_SESSION && key != KEY_JOIN) {
      throw new InvalidMessageException("key selector " + key + " (expected: 0 session or 1 join)");
    }
    byte[] joinId = new byte[ID_BYTES];
    in.get(JOIN_ID_OFFSET, joinId);
    byte[] messageId = new byte[ID_BYTES];
    in.get(MESSAGE_ID_OFFSET, messageId);
    return new Header(key, joinId, messageId, in.getLong(SENT_AT_OFFSET));
  }

  /**
   * Authenticates the whole message under {@code key} and returns the plaintext.
   *
   * @throws InvalidMessageException if authentication fails (changed on the way, or sealed under another key)
   */
  public static byte[] open(SecretKey key, byte[] message) throws InvalidMessageException {
    header(message);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, message, IV_OFFSET, IV_BYTES));
      cipher.updateAAD(message, 0, HEADER_LENGTH);
      return cipher.doFinal(message, HEADER_LENGTH, message.length - HEADER_LENGTH);
    } catch (AEADBadTagException e) {
      throw new InvalidMessageException("authentication failed (changed on the way, or sealed under another key)");
    } catch (GeneralSecurityException e) {
      throw Hkdf.missing("AES/GCM/NoPadding", e);
    }
  }
}
