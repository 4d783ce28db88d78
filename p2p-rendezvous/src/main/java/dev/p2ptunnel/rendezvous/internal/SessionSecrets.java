package dev.p2ptunnel.rendezvous.internal;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a Session ID stands for: the MQTT topics and the session keys, derived once per Session ID, and the keys of
 * each join. The key schedule (docs/SIGNALING.md, "Rendezvous"):
 *
 * <pre>
 * S       = PBKDF2-HMAC-SHA256(P = the 16 characters of the Session ID, salt = "p2p-tunnel rendezvous v1",
 *                              c = 131072, 32 bytes)
 * PRK     = HKDF-Extract(salt = "p2p-tunnel rendezvous v1", S)
 * topic   = "p2p-tunnel/v1/" + hex(HKDF-Expand(PRK, "p2p-tunnel rendezvous v1 topic", 16)) + "/h" or "/c"
 * Ks(c→h) = HKDF-Expand(PRK, "p2p-tunnel rendezvous v1 session client to host", 32)      AES-256-GCM
 * Ks(h→c) = HKDF-Expand(PRK, "p2p-tunnel rendezvous v1 session host to client", 32)
 * per join, Z = X25519(client ephemeral, host ephemeral), T = joinId | clientPublic | hostPublic:
 * PRKj    = HKDF-Extract(salt = PRK, Z)
 * Kj(c→h) = HKDF-Expand(PRKj, "p2p-tunnel rendezvous v1 join client to host" | T, 32)
 * Kj(h→c) = HKDF-Expand(PRKj, "p2p-tunnel rendezvous v1 join host to client" | T, 32)
 * </pre>
 *
 * The topic and the keys come from separate HKDF labels, so the topic (which every broker sees) reveals nothing about
 * the keys; PBKDF2 makes each guess of a Session ID from a recorded topic cost 2^17 HMAC iterations. Immutable and
 * thread-safe.
 */
public final class SessionSecrets {
  /** PBKDF2 iterations: about 90 ms on a warm JVM here (docs/SIGNALING.md has the measurement and the bound). */
  public static final int PBKDF2_ITERATIONS = 1 << 17;
  /** Every topic starts with this: the protocol and its version. */
  public static final String TOPIC_PREFIX = "p2p-tunnel/v1/";
  static final String LABEL = "p2p-tunnel rendezvous v1";
  static final int KEY_BYTES = 32;
  static final int TOPIC_BYTES = 16;

  private final byte[] prk;
  private final String topicRoot;
  private final SecretKey clientToHost;
  private final SecretKey hostToClient;

  private SessionSecrets(byte[] prk) {
    this.prk = prk;
    this.topicRoot = TOPIC_PREFIX + HexFormat.of().formatHex(Hkdf.expand(prk, ascii(LABEL + " topic"), TOPIC_BYTES));
    this.clientToHost = aes(Hkdf.expand(prk, ascii(LABEL + " session client to host"), KEY_BYTES));
    this.hostToClient = aes(Hkdf.expand(prk, ascii(LABEL + " session host to client"), KEY_BYTES));
  }

  /**
   * Derives the secrets of a Session ID in canonical form (16 characters, no dashes); takes the PBKDF2 time.
   *
   * @throws IllegalArgumentException if {@code canonicalId} is not 16 characters of the Session ID alphabet
   */
  public static SessionSecrets derive(String canonicalId) {
    if (canonicalId.length() != 16 || !canonicalId.chars().allMatch(c -> IdAlphabet.ALPHABET.indexOf(c) >= 0)) {
      throw new IllegalArgumentException("canonicalId: " + canonicalId.length() + " characters (expected: 16 of "
          + IdAlphabet.ALPHABET + ")");
    }
    byte[] stretched = pbkdf2(canonicalId, PBKDF2_ITERATIONS);
    return new SessionSecrets(Hkdf.extract(ascii(LABEL), stretched));
  }

  /** PBKDF2-HMAC-SHA256 of an ASCII password with our salt: 32 bytes. */
  static byte[] pbkdf2(String password, int iterations) {
    return pbkdf2(password, ascii(LABEL), iterations, KEY_BYTES);
  }

  static byte[] pbkdf2(String password, byte[] salt, int iterations, int bytes) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw Hkdf.missing("PBKDF2WithHmacSHA256", e);
    }
  }

  /** The topic the host subscribes to and clients publish on. */
  public String toHostTopic() {
    return topicRoot + "/h";
  }

  /** The topic clients subscribe to and the host publishes on. */
  public String toClientTopic() {
    return topicRoot + "/c";
  }

  /** The session key of {@code direction}: hellos, welcomes and refusals before a join has keys of its own. */
  public SecretKey sessionKey(Direction direction) {
    return direction == Direction.CLIENT_TO_HOST ? clientToHost : hostToClient;
  }

  /** The keys of one join, from the X25519 shared secret {@code shared} and the transcript. */
  public JoinKeys joinKeys(byte[] joinId, byte[] clientPublic, byte[] hostPublic, byte[] shared) {
    byte[] prkJoin = Hkdf.extract(prk, shared);
    byte[] transcript = concat(joinId, clientPublic, hostPublic);
    return new JoinKeys(
        aes(Hkdf.expand(prkJoin, concat(ascii(LABEL + " join client to host"), transcript), KEY_BYTES)),
        aes(Hkdf.expand(prkJoin, concat(ascii(LABEL + " join host to client"), transcript), KEY_BYTES)));
  }

  /** The two keys of a join. */
  public record JoinKeys(SecretKey clientToHost, SecretKey hostToClient) {
    /** The key of {@code direction}. */
    public SecretKey of(Direction direction) {
      return direction == Direction.CLIENT_TO_HOST ? clientToHost : hostToClient;
    }
  }

  static SecretKey aes(byte[] key) {
    return new SecretKeySpec(key, "AES");
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  @Override
  public String toString() {
    return "SessionSecrets[topic " + topicRoot + "]"; // never the keys
  }
}
