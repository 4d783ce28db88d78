package dev.p2ptunnel.rendezvous.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The plaintext codec: each type round-trips, each rule is refused with its exact message. */
class BodyTest {
  private static final byte[] K32 = filled(32, 0x33);

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static String refused(byte[] plaintext) {
    return assertThrows(InvalidMessageException.class, () -> Body.decode(plaintext)).getMessage();
  }

  @Test
  void shouldRoundTripEveryType() throws Exception {
    Body offer = Body.decode(Body.encode(Body.Type.OFFER, "Zoë", "v=0\r\n", null));
    assertEquals(Body.Type.OFFER, offer.type());
    assertEquals("Zoë", offer.text(0));
    assertEquals("v=0\r\n", offer.text(1));
    assertNull(offer.optional(2), "an empty optional field is absent");
    Body reveal = Body.decode(Body.encode(Body.Type.REVEAL, K32, new byte[] {1}, new byte[] {2, 3}));
    assertArrayEquals(K32, reveal.bytes(0));
    assertArrayEquals(new byte[] {2, 3}, reveal.optional(2));
    for (Body.Type type : Body.Type.values()) {
      Object[] fields = new Object[type.fields.length];
      for (int i = 0; i < fields.length; i++) {
        Body.Field field = type.fields[i];
        fields[i] = field.text() ? "x".repeat(Math.max(field.min(), 3)) : filled(field.max(), i + 1);
      }
      Body decoded = Body.decode(Body.encode(type, fields));
      assertEquals(type, decoded.type());
      assertEquals(type, Body.Type.of(type.code));
    }
  }

  @Test
  void shouldCarryRestartNumbersBigEndianAndRefuseOtherLengths() throws Exception {
    byte[] plaintext = Body.encode(Body.Type.RESTART, Body.u64(0x0102_0304_0506_0708L), "v=0\r\n");
    // type 11, body length 4 + 8 + 4 + 5 = 21, the number's length 8, then its bytes, most significant first
    assertArrayEquals(new byte[] {11, 0, 0, 0, 21, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOf(plaintext, 17));
    assertEquals(0x0102_0304_0506_0708L, Body.decode(plaintext).number(0));
    assertEquals(-1L, Body.decode(Body.encode(Body.Type.RESTART_ANSWER, Body.u64(-1), "v=0")).number(0));
    assertEquals("RESTART restart number: 4 bytes (expected: 8..8)", assertThrows(IllegalArgumentException.class,
        () -> Body.encode(Body.Type.RESTART, new byte[4], "v=0")).getMessage());
    byte[] shortNumber = plaintext.clone();
    ByteBuffer.wrap(shortNumber).putInt(5, 7);
    assertEquals("RESTART restart number: 7 bytes (expected: 8..8)", refused(shortNumber));
  }

  @Test
  void shouldPadToMultiplesOf256Bytes() {
    assertEquals(256, Body.encode(Body.Type.PENDING).length);
    assertEquals(256, Body.encode(Body.Type.REFUSE, "x".repeat(243)).length, "5 + 4 + 243 = 252");
    assertEquals(512, Body.encode(Body.Type.REFUSE, "x".repeat(248)).length, "5 + 4 + 248 = 257");
    assertEquals(Body.MAX_PLAINTEXT % 256, 0);
  }

  @Test
  void shouldRefuseEachBrokenRuleNamingTheFieldAndTheLimit() {
    byte[] good = Body.encode(Body.Type.CHALLENGE, "sha-256 AB", K32);
    assertEquals("plaintext length 255 (expected: a multiple of 256 up to " + Body.MAX_PLAINTEXT + ")",
        refused(Arrays.copyOf(good, 255)));
    byte[] type = good.clone();
    type[0] = 42;
    assertEquals("type 42 (expected: 1..14)", refused(type));
    byte[] longBody = good.clone();
    ByteBuffer.wrap(longBody).putInt(1, 300);
    assertEquals("CHALLENGE: body length 300 > 251 bytes left", refused(longBody));
    byte[] longField = good.clone();
    ByteBuffer.wrap(longField).putInt(5, 161);
    assertEquals("CHALLENGE fingerprint: 161 bytes (expected: 1..160)", refused(longField));
    byte[] hugeField = good.clone();
    ByteBuffer.wrap(hugeField).putInt(5, -1);
    assertEquals("CHALLENGE fingerprint: 4294967295 bytes (expected: 1..160)", refused(hugeField));
    byte[] shortNonce = good.clone();
    ByteBuffer.wrap(shortNonce).putInt(5 + 4 + 10, 31);
    assertEquals("CHALLENGE host nonce: 31 bytes (expected: 32..32)", refused(shortNonce));
    byte[] missing = good.clone();
    ByteBuffer.wrap(missing).putInt(1, 14);
    assertEquals("CHALLENGE host nonce: missing (the body ends at 14 bytes)", refused(missing));
    byte[] overrun = good.clone();
    ByteBuffer.wrap(overrun).putInt(1, 4 + 10 + 4 + 20);
    assertEquals("CHALLENGE host nonce: 32 bytes > 20 left in the body", refused(overrun));
    byte[] extra = good.clone();
    ByteBuffer.wrap(extra).putInt(1, 4 + 10 + 4 + 32 + 3);
    assertEquals("CHALLENGE: 3 bytes after the last field", refused(extra));
    byte[] padding = good.clone();
    padding[200] = 9;
    assertEquals("CHALLENGE: padding byte 200 is 9 (expected: 0)", refused(padding));
    byte[] utf8 = good.clone();
    utf8[9] = (byte) 0xC3; // a lead byte followed by an ASCII letter
    assertEquals("CHALLENGE fingerprint: not UTF-8 (Input length = 1)", refused(utf8));
  }

  @Test
  void shouldRefuseCallerMistakesWhenEncoding() {
    assertEquals("CHALLENGE: 1 fields (expected: 2)", assertThrows(IllegalArgumentException.class,
        () -> Body.encode(Body.Type.CHALLENGE, "fp")).getMessage());
    assertEquals("WELCOME host key: 31 bytes (expected: 32..32)", assertThrows(IllegalArgumentException.class,
        () -> Body.encode(Body.Type.WELCOME, new byte[31])).getMessage());
    assertEquals("OFFER offer: 65537 bytes (expected: 3..65536)", assertThrows(IllegalArgumentException.class,
        () -> Body.encode(Body.Type.OFFER, "n", "x".repeat(65_537), null)).getMessage());
  }

  @Test
  void shouldNeverPrintContents() throws Exception {
    assertEquals("Body[OFFER, 3 fields]", Body.decode(Body.encode(Body.Type.OFFER, "secret", "v=0", null)).toString());
  }
}
