package dev.p2ptunnel.signaling.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shared wire vocabulary: one case per rule, exact messages. */
class WireTest {
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldParseTypedSessionIdsAndReadLookAlikes() {
    assertEquals("7KQ2M9XAR3TB0C5DHJ8WZP4E6NYF", SessionIds.parse("7kq2-m9xa r3tb-Oc5d-hj8w-zp4e-6nyf"));
    assertEquals("7KQ2-M9XA-R3TB-0C5D-HJ8W-ZP4E-6NYF", SessionIds.display("7KQ2M9XAR3TB0C5DHJ8WZP4E6NYF"));
    assertEquals("1111" + "0".repeat(24), SessionIds.parse("IiLl" + "o".repeat(24)), "I, L read as 1; O as 0");
    assertNull(SessionIds.parse("ABCU"), "U is not in the alphabet");
    assertNull(SessionIds.parse("0".repeat(29)), "too long");
    assertNull(SessionIds.parse("0".repeat(27)), "too short");
  }

  @Test
  void shouldDeriveTheSameSessionIdFromAClaimEveryTime() {
    // Golden: SHA-256("p2p-tunnel session id v1\n" + claim), first 140 bits in the Session ID alphabet.
    String claim = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY";
    String id = SessionIds.fromClaim(claim);
    assertEquals(id, SessionIds.fromClaim(claim));
    assertEquals(28, id.length());
    assertTrue(id.chars().allMatch(c -> SessionIds.ALPHABET.indexOf(c) >= 0), id);
    assertTrue(SessionIds.newSessionId().matches("[0-9A-HJKMNP-TV-Z]{28}"));
    assertEquals(43, SessionIds.newHostSecret().length());
    assertTrue(SessionIds.isJoinId(SessionIds.newJoinId()));
  }

  @Test
  void shouldRefuseBadBodiesNamingTheFault() {
    assertEquals(ErrorCode.BAD_JSON, assertThrows(BodyException.class,
        () -> JsonBodies.parseObject(utf8("[1]"), false)).code());
    assertEquals("body is an array (expected: a JSON object)", assertThrows(BodyException.class,
        () -> JsonBodies.parseObject(utf8("[1]"), false)).getMessage());
    assertTrue(assertThrows(BodyException.class, () -> JsonBodies.parseObject(utf8("{\"a\": 1, \"a\": 2}"), false))
        .getMessage().startsWith("body is not valid JSON: Duplicate field 'a'"));
    String deep = "{\"a\": " + "[".repeat(20) + "]".repeat(20) + "}";
    assertEquals(ErrorCode.BAD_JSON, assertThrows(BodyException.class,
        () -> JsonBodies.parseObject(utf8(deep), false)).code(), "nesting deeper than 16");
    var body = JsonBodies.parseObject(utf8("{\"n\": \"a\\u0001\", \"b\": \"AAAA\", \"i\": 1.5}"), false);
    assertEquals("n: control character U+0001 at index 1 (expected: printable text)", assertThrows(
        BodyException.class, () -> JsonBodies.string(body, "n", 10, false)).getMessage());
    assertEquals("b: 3 bytes (expected: 32 bytes, base64url without padding)", assertThrows(BodyException.class,
        () -> JsonBodies.bytes(body, "b", 32, 32)).getMessage());
    assertEquals("i: a number (\"1.5\") (expected: an integer 1..16)", assertThrows(BodyException.class,
        () -> JsonBodies.integer(body, "i", 1, 16, 1)).getMessage());
    assertEquals(ErrorCode.MISSING_FIELD, assertThrows(BodyException.class,
        () -> JsonBodies.string(body, "missing", 10, false)).code());
    assertNull(JsonBodies.tryParse(utf8("<html>")));
  }

  @Test
  void shouldWriteAndReadTreesWithoutAMapper() {
    var body = JsonBodies.object().put("s", "zoë \"q\"\n").put("i", 7).put("l", 1L << 40).put("d", 2.5)
        .put("t", true).putNull("n");
    body.putArray("a").add(1).add("x").addObject().put("k", false);
    String text = new String(JsonBodies.bytes(body), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals("{\"s\":\"zoë \\\"q\\\"\\n\",\"i\":7,\"l\":1099511627776,\"d\":2.5,\"t\":true,\"n\":null,"
        + "\"a\":[1,\"x\",{\"k\":false}]}", text);
    assertEquals(body, JsonBodies.parseObject(utf8(text), false));
    assertEquals(body, JsonBodies.tryParse(utf8(" " + text + "\n")));
    assertEquals(JsonBodies.object(), JsonBodies.parseObject(new byte[0], true));
    assertEquals(ErrorCode.BAD_JSON, assertThrows(BodyException.class,
        () -> JsonBodies.parseObject(new byte[0], false)).code());
    assertTrue(assertThrows(BodyException.class, () -> JsonBodies.parseObject(utf8("{} {}"), false)).getMessage()
        .startsWith("body is not valid JSON: Trailing token"));
    assertTrue(assertThrows(BodyException.class, () -> JsonBodies.parseObject(utf8("{\"a\": [1, 2}"), false))
        .getMessage().contains("(line 1, column"));
    assertNull(JsonBodies.tryParse(utf8("{\"a\": 1} x")));
    assertEquals("12345678901234567890123", JsonBodies.tryParse(utf8("[12345678901234567890123]")).get(0).asText());
    byte[] string = utf8("\"only a string\"");
    org.junit.jupiter.api.Assertions.assertArrayEquals(string, JsonBodies.bytes(JsonBodies.tryParse(string)));
  }

  @Test
  void shouldKeepOneClientNameRuleAndOneReasonShape() {
    assertNull(WireLimits.clientNameProblem("Zoë 🎮 #2"));
    assertEquals("U+202E RIGHT-TO-LEFT OVERRIDE at index 5", WireLimits.clientNameProblem("alice\u202Egnp.exe"));
    assertEquals("65 characters", WireLimits.clientNameProblem("x".repeat(65)));
    assertEquals("the host refused", WireLimits.reason(" ", "the host refused"));
    assertEquals("a b", WireLimits.reason("a\nb", "x"));
    assertEquals(WireLimits.MAX_REASON_CHARS, WireLimits.reason("r".repeat(900), "x").length());
  }

  @Test
  void shouldGiveEveryErrorCodeItsStatusAndTellPassingFaults() {
    assertEquals(429, ErrorCode.of("too_many_sessions").status());
    assertEquals(431, ErrorCode.HEADERS_TOO_LARGE.status());
    assertNull(ErrorCode.of("no_such_code"));
    assertTrue(ErrorCode.SERVER_CLOSING.transientFault());
    assertTrue(ErrorCode.TOO_MANY_POLLS.transientFault());
    assertTrue(!ErrorCode.SESSION_FULL.transientFault());
    assertEquals(JoinStatus.REVEALED, JoinStatus.of("revealed"));
    assertTrue(JoinStatus.APPROVED.undecided() == false && !JoinStatus.APPROVED.finished());
  }
}
