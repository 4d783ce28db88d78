package dev.p2ptunnel.rendezvous.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the three SHA-256 test cases of RFC 5869, appendix A. */
class HkdfTest {
  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] range(int from, int toInclusive) {
    byte[] out = new byte[toInclusive - from + 1];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (from + i);
    }
    return out;
  }

  @Test
  void shouldMatchRfc5869TestCase1BasicInputs() {
    byte[] prk = Hkdf.extract(hex("000102030405060708090a0b0c"), hex("0b".repeat(22)));
    assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", hex(prk));
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        hex(Hkdf.expand(prk, hex("f0f1f2f3f4f5f6f7f8f9"), 42)));
  }

  @Test
  void shouldMatchRfc5869TestCase2LongInputsOverThreeBlocks() {
    byte[] prk = Hkdf.extract(range(0x60, 0xaf), range(0x00, 0x4f));
    assertEquals("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244", hex(prk));
    assertEquals("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
        + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
        hex(Hkdf.expand(prk, range(0xb0, 0xff), 82)));
  }

  @Test
  void shouldMatchRfc5869TestCase3EmptySaltAndInfo() {
    byte[] prk = Hkdf.extract(new byte[0], hex("0b".repeat(22)));
    assertEquals("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", hex(prk));
    assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        hex(Hkdf.derive(new byte[0], hex("0b".repeat(22)), new byte[0], 42)));
  }

  @Test
  void shouldRefuseOutputLengthsRfc5869DoesNotAllow() {
    byte[] prk = new byte[32];
    assertEquals("length: 0 (expected: 1..8160)",
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, new byte[0], 0)).getMessage());
    assertEquals("length: 8161 (expected: 1..8160)",
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, new byte[0], 8161)).getMessage());
    assertEquals("prk: 16 bytes (expected: at least 32)",
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(new byte[16], new byte[0], 32)).getMessage());
    assertEquals(8160, Hkdf.expand(prk, new byte[0], 8160).length);
  }
}
