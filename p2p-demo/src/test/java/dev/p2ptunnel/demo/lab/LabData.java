package dev.p2ptunnel.demo.lab;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The bulk payload of the lab tests: {@code n} pseudo-random bytes from a seed, so the sender, the receiver and the
 * test can each produce or check them without passing them around. Instances are not thread-safe.
 */
final class LabData {
  static final int BUFFER_BYTES = 64 * 1024;

  private final SplittableRandom random;
  private long left;

  LabData(long n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
    this.random = new SplittableRandom(seed);
    this.left = n;
  }

  /** Fills the start of {@code buffer} with the next bytes; returns how many, 0 at the end. */
  int next(byte[] buffer) {
    int count = (int) Math.min(buffer.length, left);
    int i = 0;
    for (; i + 8 <= count; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8; b++) {
        buffer[i + b] = (byte) (value >>> (56 - 8 * b));
      }
    }
    if (i < count) {
      long value = random.nextLong();
      for (int b = 0; i < count; i++, b++) {
        buffer[i] = (byte) (value >>> (56 - 8 * b));
      }
    }
    left -= count;
    return count;
  }

  /** SHA-256, in lower-case hex, of the {@code n} bytes of {@code seed}. */
  static String sha256(long n, long seed) {
    MessageDigest digest = newDigest();
    LabData data = new LabData(n, seed);
    byte[] buffer = new byte[BUFFER_BYTES];
    int count;
    while ((count = data.next(buffer)) > 0) {
      digest.update(buffer, 0, count);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256: missing from this JDK", e);
    }
  }
}
