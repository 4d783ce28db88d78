package dev.p2ptunnel.rendezvous.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) through the JDK's XDH provider, with public keys as their 32-byte little-endian encoding. Each
 * join uses a fresh key pair on both sides, so messages of one join cannot be read by other clients who know the same
 * Session ID. Stateless and thread-safe.
 */
public final class X25519 {
  /** Length of a public key and of the shared secret. */
  public static final int KEY_BYTES = 32;

  private X25519() {}

  /** A private key and its public key's encoding. */
  public record KeyPair(PrivateKey privateKey, byte[] publicKey) {}

  /** A fresh key pair. */
  public static KeyPair generate() {
    try {
      java.security.KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
      return new KeyPair(pair.getPrivate(), encode(((XECPublicKey) pair.getPublic()).getU()));
    } catch (GeneralSecurityException e) {
      throw Hkdf.missing("X25519", e);
    }
  }

  /**
   * The shared secret of {@code mine} and the peer's public key.
   *
   * @throws InvalidKeyException if the peer's key is not 32 bytes or gives an all-zero secret (a small-order point)
   */
  public static byte[] agree(PrivateKey mine, byte[] theirPublic) throws InvalidKeyException {
    if (theirPublic.length != KEY_BYTES) {
      throw new InvalidKeyException("public key: " + theirPublic.length + " bytes (expected: " + KEY_BYTES + ")");
    }
    byte[] shared;
    try {
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(mine);
      agreement.doPhase(KeyFactory.getInstance("XDH").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
          decode(theirPublic))), true);
      shared = agreement.generateSecret();
    } catch (InvalidKeyException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException("public key: " + e.getMessage(), e);
    }
    int any = 0;
    for (byte b : shared) {
      any |= b;
    }
    if (any == 0) {
      throw new InvalidKeyException("public key: a small-order point (the shared secret is all zeros)");
    }
    return shared;
  }

  /** u as 32 bytes, little-endian (RFC 7748 §5). */
  static byte[] encode(BigInteger u) {
    byte[] big = u.toByteArray(); // big-endian, maybe with a leading sign byte
    byte[] out = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES && i < big.length; i++) {
      out[i] = big[big.length - 1 - i];
    }
    return out;
  }

  /** The u-coordinate of a 32-byte little-endian encoding, its top bit cleared (RFC 7748 §5). */
  static BigInteger decode(byte[] encoded) {
    byte[] big = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES; i++) {
      big[i] = encoded[KEY_BYTES - 1 - i];
    }
    big[0] &= 0x7F;
    return new BigInteger(1, big);
  }
}
