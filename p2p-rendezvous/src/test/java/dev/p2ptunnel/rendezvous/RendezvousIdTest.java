package dev.p2ptunnel.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Session IDs: their form, what a person may type, what is refused and how, and IDs of claims. */
class RendezvousIdTest {
  @Test
  void shouldMakeRandomIdsOfFourGroupsOfFour() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String id = RendezvousId.random();
      assertTrue(id.matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}"), id);
      seen.add(id);
    }
    assertEquals(1_000, seen.size());
    assertEquals(80, RendezvousId.BITS);
  }

  @Test
  void shouldReadWhatAPersonTypes() {
    assertEquals("7KQ2-M9XA-R3TB-0C5D", RendezvousId.parse("7KQ2-M9XA-R3TB-0C5D"));
    assertEquals("7KQ2-M9XA-R3TB-0C5D", RendezvousId.parse("7kq2m9xar3tb0c5d"));
    assertEquals("7KQ2-M9XA-R3TB-0C5D", RendezvousId.parse(" 7KQ2 M9XA-r3tb-OC5D "), "O is 0");
    assertEquals("1111-0000-0000-0000", RendezvousId.parse("ILil-oOoO-0000-0000"), "I and L are 1");
  }

  @Test
  void shouldRefuseWhatIsNotASessionIdSayingWhy() {
    assertEquals("sessionId: \"7KQ2-M9XA-R3TB-0C5U\" is not a Session ID (expected: 16 characters of 0-9 and A-Z "
        + "without I, L, O, U; dashes optional)",
        assertThrows(IllegalArgumentException.class, () -> RendezvousId.parse("7KQ2-M9XA-R3TB-0C5U")).getMessage());
    assertEquals("sessionId: \"7KQ2\" is not a Session ID (expected: 16 characters of 0-9 and A-Z without I, L, O, "
        + "U; dashes optional)",
        assertThrows(IllegalArgumentException.class, () -> RendezvousId.parse("7KQ2")).getMessage());
    assertEquals("sessionId: \"7KQ2-M9XA-R3TB-0C5D-HJ8W-ZP4E-6NYF\" has 28 characters, like a Session ID of a "
        + "signaling server (use it with that server: HttpSignaling, or p2p-tunnel's --signal URL); a rendezvous "
        + "Session ID has 16", assertThrows(IllegalArgumentException.class,
            () -> RendezvousId.parse("7KQ2-M9XA-R3TB-0C5D-HJ8W-ZP4E-6NYF")).getMessage());
    assertEquals("sessionId: \"?7KQ2-M9XA-R3TB-0C5D-x-x-x-x-x-x-x-x-x-x…\" is not a Session ID (expected: 16 "
        + "characters of 0-9 and A-Z without I, L, O, U; dashes optional)",
        assertThrows(IllegalArgumentException.class,
            () -> RendezvousId.parse("\u00e97KQ2-M9XA-R3TB-0C5D-x-x-x-x-x-x-x-x-x-x-x-x-x")).getMessage());
  }

  @Test
  void shouldDeriveTheSameIdFromTheSameClaimOnly() {
    byte[] claim = new byte[32];
    assertEquals("6N81-HX5V-ERX9-YQH6", RendezvousId.fromClaim(claim), "cross-checked with Python's hashlib");
    byte[] other = claim.clone();
    other[31] = 1;
    assertNotEquals(RendezvousId.fromClaim(claim), RendezvousId.fromClaim(other));
    assertEquals("claim: 8 bytes (expected: at least 16)",
        assertThrows(IllegalArgumentException.class, () -> RendezvousId.fromClaim(new byte[8])).getMessage());
  }
}
