package dev.p2ptunnel.rendezvous.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The key schedule: PBKDF2 through the JDK (RFC 7914's PBKDF2-HMAC-SHA256 vectors), golden values of the whole
 * schedule for one Session ID (cross-checked with an independent implementation: Python's hashlib and hmac), the
 * separation of topic, directions and joins, and X25519 against RFC 7748.
 */
class SessionSecretsTest {
  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }

  @Test
  void shouldComputePbkdf2HmacSha256AsRfc7914Section11() {
    assertEquals("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c"
        + "71b845b1e30bd509112041d3a19783",
        hex(SessionSecrets.pbkdf2("passwd", "salt".getBytes(StandardCharsets.US_ASCII), 1, 64)));
    assertEquals("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a"
        + "272bdebba1d078478f62b397f33c8d",
        hex(SessionSecrets.pbkdf2("Password", "NaCl".getBytes(StandardCharsets.US_ASCII), 80_000, 64)));
  }

  @Test
  void shouldDeriveTheGoldenTopicAndKeysOfOneSessionId() {
    SessionSecrets secrets = SessionSecrets.derive("7KQ2M9XAR3TB0C5D");
    assertEquals("p2p-tunnel/v1/2765ff1147f9c6fcf2bb6c70d8ff0808/h", secrets.toHostTopic());
    assertEquals("p2p-tunnel/v1/2765ff1147f9c6fcf2bb6c70d8ff0808/c", secrets.toClientTopic());
    assertEquals("76988c80b0762e936e96e2654569c715794e3fd35fbaedc1c8c786702699832f",
        hex(secrets.sessionKey(Direction.CLIENT_TO_HOST).getEncoded()));
    assertEquals("444cc8b8f05d885fb655e27327f123d0f5e114adbdae3f1664fedf25cd387161",
        hex(secrets.sessionKey(Direction.HOST_TO_CLIENT).getEncoded()));
    byte[] joinId = new byte[16];
    byte[] client = new byte[32];
    Arrays.fill(client, (byte) 1);
    byte[] host = new byte[32];
    Arrays.fill(host, (byte) 2);
    byte[] shared = new byte[32];
    Arrays.fill(shared, (byte) 3);
    SessionSecrets.JoinKeys keys = secrets.joinKeys(joinId, client, host, shared);
    assertEquals("d638d31b48f3e192642eeb59909a5b14bbfffd2174896f68377c6107a91a6f96",
        hex(keys.of(Direction.CLIENT_TO_HOST).getEncoded()));
    assertEquals("2963fbae62162970cc5b3f6162a6b31964fdfa91095a7d6faf8f5bf4fbfdea8c",
        hex(keys.of(Direction.HOST_TO_CLIENT).getEncoded()));
    assertEquals("SessionSecrets[topic p2p-tunnel/v1/2765ff1147f9c6fcf2bb6c70d8ff0808]", secrets.toString());
  }

  @Test
  void shouldGiveEachSessionIdAndEachJoinItsOwnTopicAndKeys() {
    SessionSecrets a = SessionSecrets.derive("0000000000000000");
    SessionSecrets b = SessionSecrets.derive("0000000000000001");
    assertNotEquals(a.toHostTopic(), b.toHostTopic());
    assertFalse(Arrays.equals(a.sessionKey(Direction.CLIENT_TO_HOST).getEncoded(),
        b.sessionKey(Direction.CLIENT_TO_HOST).getEncoded()));
    byte[] shared = new byte[32];
    SessionSecrets.JoinKeys one = a.joinKeys(new byte[16], new byte[32], new byte[32], shared);
    byte[] otherId = new byte[16];
    otherId[15] = 1;
    SessionSecrets.JoinKeys two = a.joinKeys(otherId, new byte[32], new byte[32], shared);
    assertFalse(Arrays.equals(one.clientToHost().getEncoded(), two.clientToHost().getEncoded()), "bound to the join");
    assertFalse(Arrays.equals(one.clientToHost().getEncoded(), one.hostToClient().getEncoded()), "one per direction");
    String topicHex = a.toHostTopic().substring(SessionSecrets.TOPIC_PREFIX.length(), a.toHostTopic().length() - 2);
    assertFalse(hex(a.sessionKey(Direction.CLIENT_TO_HOST).getEncoded()).contains(topicHex.substring(0, 8)));
  }

  @Test
  void shouldRefuseWhatIsNotACanonicalSessionId() {
    assertEquals("canonicalId: 19 characters (expected: 16 of 0123456789ABCDEFGHJKMNPQRSTVWXYZ)",
        assertThrows(IllegalArgumentException.class, () -> SessionSecrets.derive("7KQ2-M9XA-R3TB-0C5D")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> SessionSecrets.derive("7kq2m9xar3tb0c5d"));
  }

  private static PrivateKey privateKey(String scalarHex) throws Exception {
    return KeyFactory.getInstance("XDH").generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519,
        hex(scalarHex)));
  }

  @Test
  void shouldAgreeOnTheSharedSecretOfRfc7748Section6() throws Exception {
    String alicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    String bobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(shared, hex(X25519.agree(privateKey(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), hex(bobPublic))));
    assertEquals(shared, hex(X25519.agree(privateKey(
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"), hex(alicePublic))));
    assertArrayEquals(hex(alicePublic), X25519.encode(X25519.decode(hex(alicePublic))));
  }

  @Test
  void shouldAgreeBetweenFreshKeyPairsAndRefuseUnusablePeerKeys() throws Exception {
    X25519.KeyPair a = X25519.generate();
    X25519.KeyPair b = X25519.generate();
    assertEquals(32, a.publicKey().length);
    assertArrayEquals(X25519.agree(a.privateKey(), b.publicKey()), X25519.agree(b.privateKey(), a.publicKey()));
    InvalidKeyException zero = assertThrows(InvalidKeyException.class,
        () -> X25519.agree(a.privateKey(), new byte[32]));
    assertTrue(zero.getMessage() != null, "a small-order point is refused");
    assertEquals("public key: 31 bytes (expected: 32)",
        assertThrows(InvalidKeyException.class, () -> X25519.agree(a.privateKey(), new byte[31])).getMessage());
  }
}
