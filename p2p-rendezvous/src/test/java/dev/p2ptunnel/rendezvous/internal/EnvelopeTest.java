package dev.p2ptunnel.rendezvous.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The sealed message: its layout, and that no changed bit and no other key gets through. */
class EnvelopeTest {
  private static final SecretKey KEY = new SecretKeySpec(HexFormat.of().parseHex("11".repeat(32)), "AES");
  private static final SecretKey OTHER = new SecretKeySpec(HexFormat.of().parseHex("12".repeat(32)), "AES");
  private static final byte[] JOIN = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  private static final byte[] MESSAGE = HexFormat.of().parseHex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
  private static final SecureRandom RANDOM = new SecureRandom(new byte[] {7}); // seeded only where the JDK allows

  private static byte[] sealed(byte[] plaintext) {
    return Envelope.seal(KEY, Envelope.KEY_JOIN, JOIN, MESSAGE, 0x0102030405060708L, plaintext, RANDOM);
  }

  @Test
  void shouldLayOutTheHeaderInClearAndSealTheBody() throws Exception {
    byte[] plaintext = Body.encode(Body.Type.PENDING);
    byte[] message = sealed(plaintext);
    assertEquals(54, Envelope.HEADER_LENGTH);
    assertEquals(54 + 256 + 16, message.length, "header, padded body, tag");
    ByteBuffer in = ByteBuffer.wrap(message);
    assertEquals(1, in.get(0), "version");
    assertEquals(1, in.get(1), "key selector: join");
    assertArrayEquals(JOIN, Arrays.copyOfRange(message, 2, 18));
    assertArrayEquals(MESSAGE, Arrays.copyOfRange(message, 18, 34));
    assertEquals(0x0102030405060708L, in.getLong(34), "sent at, big-endian");
    Envelope.Header header = Envelope.header(message);
    assertEquals(Envelope.KEY_JOIN, header.key());
    assertArrayEquals(JOIN, header.joinId());
    assertArrayEquals(MESSAGE, header.messageId());
    assertEquals(0x0102030405060708L, header.sentAtMs());
    assertArrayEquals(plaintext, Envelope.open(KEY, message));
  }

  @Test
  void shouldRefuseEveryMessageWithAnyBitChanged() {
    byte[] message = sealed(Body.encode(Body.Type.REFUSE, "a reason"));
    for (int i = 0; i < message.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] changed = message.clone();
        changed[i] ^= (byte) (1 << bit);
        if (i == 0 || i == 1) {
          continue; // version and key selector are refused by the header check (below)
        }
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Envelope.open(KEY, changed),
            "byte " + i + " bit " + bit);
        assertEquals("authentication failed (changed on the way, or sealed under another key)", e.getMessage());
      }
    }
  }

  @Test
  void shouldRefuseAnotherKeyAndOtherDirections() {
    byte[] message = sealed(Body.encode(Body.Type.PENDING));
    assertEquals("authentication failed (changed on the way, or sealed under another key)",
        assertThrows(InvalidMessageException.class, () -> Envelope.open(OTHER, message)).getMessage());
  }

  @Test
  void shouldNameWhatIsWrongWithAHeader() {
    byte[] message = sealed(Body.encode(Body.Type.PENDING));
    byte[] version = message.clone();
    version[0] = 2;
    assertEquals("version 2 (expected: 1; the peer runs another p2p-tunnel version)",
        assertThrows(InvalidMessageException.class, () -> Envelope.header(version)).getMessage());
    byte[] key = message.clone();
    key[1] = 7;
    assertEquals("key selector 7 (expected: 0 session or 1 join)",
        assertThrows(InvalidMessageException.class, () -> Envelope.header(key)).getMessage());
    assertEquals("length 325 bytes (expected: 326.." + Envelope.MAX_LENGTH + ")",
        assertThrows(InvalidMessageException.class, () -> Envelope.header(Arrays.copyOf(message, 325))).getMessage());
    assertEquals("length " + (Envelope.MAX_LENGTH + 1) + " bytes (expected: 326.." + Envelope.MAX_LENGTH + ")",
        assertThrows(InvalidMessageException.class,
            () -> Envelope.header(new byte[Envelope.MAX_LENGTH + 1])).getMessage());
    assertEquals("length 0 bytes (expected: 326.." + Envelope.MAX_LENGTH + ")",
        assertThrows(InvalidMessageException.class, () -> Envelope.header(new byte[0])).getMessage());
  }

  @Test
  void shouldUseAFreshIvForEveryMessage() {
    byte[] plaintext = Body.encode(Body.Type.PENDING);
    byte[] a = sealed(plaintext);
    byte[] b = sealed(plaintext);
    assertEquals(false, Arrays.equals(Arrays.copyOfRange(a, 42, 54), Arrays.copyOfRange(b, 42, 54)));
    assertEquals(false, Arrays.equals(a, b));
  }

  @Test
  void shouldRefuseCallerMistakesWhenSealing() {
    assertEquals("keySelector: 2 (expected: 0 or 1)", assertThrows(IllegalArgumentException.class,
        () -> Envelope.seal(KEY, 2, JOIN, MESSAGE, 0, new byte[256], RANDOM)).getMessage());
    assertEquals("ids: 15 and 16 bytes (expected: 16)", assertThrows(IllegalArgumentException.class,
        () -> Envelope.seal(KEY, 0, new byte[15], MESSAGE, 0, new byte[256], RANDOM)).getMessage());
  }
}
