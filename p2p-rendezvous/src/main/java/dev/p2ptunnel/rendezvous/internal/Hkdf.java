package dev.p2ptunnel.rendezvous.internal;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869) over the JDK's {@link Mac}: the JDK 17 has no HKDF API, and the function is two
 * loops around HMAC. Stateless and thread-safe.
 */
public final class Hkdf {
  /** SHA-256's output length: the length of a pseudorandom key. */
  public static final int HASH_LENGTH = 32;
  /** The longest output RFC 5869 allows for SHA-256. */
  public static final int MAX_LENGTH = 255 * HASH_LENGTH;

  private Hkdf() {}

  /** HKDF-Extract: {@code PRK = HMAC-SHA256(salt, ikm)}; an empty salt stands for 32 zero bytes (RFC 5869 §2.2). */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    Mac mac = mac(salt.length == 0 ? new byte[HASH_LENGTH] : salt);
    return mac.doFinal(ikm);
  }

  /**
   * HKDF-Expand: {@code T(i) = HMAC-SHA256(prk, T(i-1) | info | i)}, the first {@code length} bytes of
   * {@code T(1) | T(2) | …}.
   *
   * @throws IllegalArgumentException if {@code length} is not 1..8160 or {@code prk} is shorter than 32 bytes
   */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 1 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("length: " + length + " (expected: 1.." + MAX_LENGTH + ")");
    }
    if (prk.length < HASH_LENGTH) {
      throw new IllegalArgumentException("prk: " + prk.length + " bytes (expected: at least " + HASH_LENGTH + ")");
    }
    Mac mac = mac(prk);
    byte[] out = new byte[length];
    byte[] previous = new byte[0];
    int written = 0;
    for (int i = 1; written < length; i++) {
      mac.update(previous);
      mac.update(info);
      mac.update((byte) i);
      previous = mac.doFinal();
      int n = Math.min(previous.length, length - written);
      System.arraycopy(previous, 0, out, written, n);
      written += n;
    }
    return out;
  }

  /** Extract then expand. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    return expand(extract(salt, ikm), info, length);
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw missing("HmacSHA256", e);
    }
  }

  static IllegalStateException missing(String what, GeneralSecurityException e) {
    return new IllegalStateException(what + " is not available in this JVM (every Java 17 has it): " + e, e);
  }
}
