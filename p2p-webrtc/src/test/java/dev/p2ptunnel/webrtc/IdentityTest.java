package dev.p2ptunnel.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.internal.PeerSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The persistent DTLS identity: files, permissions, signatures, and libwebrtc using its certificate. */
@Timeout(60)
class IdentityTest {
  @Test
  void shouldCreateOnceAndLoadTheSameIdentityWithPrivateFiles(@TempDir Path dir) throws Exception {
    Path home = dir.resolve("cfg/p2p-tunnel");
    Identity first = Identity.loadOrCreate(home);
    Identity again = Identity.loadOrCreate(home);
    assertEquals(first.fingerprint(), again.fingerprint());
    assertTrue(first.fingerprint().matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), first.fingerprint());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        home.resolve("identity-key.pem"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        home.resolve("session-secret"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
    assertArrayEquals(first.sessionClaim("lab"), again.sessionClaim("lab"), "claims survive a restart");
    assertFalse(java.util.Arrays.equals(first.sessionClaim("lab"), first.sessionClaim("lan")));

    Files.delete(home.resolve("identity-key.pem"));
    Files.delete(home.resolve("identity-cert.pem"));
    Identity reset = Identity.loadOrCreate(home);
    assertNotEquals(first.fingerprint(), reset.fingerprint(), "deleting the files resets the identity");
    assertArrayEquals(first.sessionClaim("lab"), reset.sessionClaim("lab"), "the session secret stays");
  }

  @Test
  void shouldNameADamagedFile(@TempDir Path dir) throws Exception {
    Identity.loadOrCreate(dir);
    Files.writeString(dir.resolve("identity-cert.pem"), "garbage", StandardCharsets.US_ASCII);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Identity.loadOrCreate(dir));
    assertTrue(e.getMessage().contains("identity-cert.pem: no -----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----"
        + " block"), e.getMessage());
  }

  @Test
  void shouldSignAndVerifyWithTheCertificatesKeyOnly() {
    Identity alice = Identity.generate();
    Identity mallory = Identity.generate();
    byte[] data = "transcript".getBytes(StandardCharsets.UTF_8);
    byte[] signature = alice.sign(data);
    assertTrue(Identity.verify(alice.certificateDer(), data, signature));
    assertFalse(Identity.verify(mallory.certificateDer(), data, signature), "another key");
    assertFalse(Identity.verify(alice.certificateDer(), "other".getBytes(StandardCharsets.UTF_8), signature));
    assertFalse(Identity.verify(new byte[] {1, 2, 3}, data, signature), "garbage certificate is false, not thrown");
    assertEquals(alice.fingerprint(), Identity.fingerprintOf(alice.certificateDer()));
  }

  @Test
  void shouldPutTheIdentitysFingerprintIntoTheSessionDescription() {
    TestNetns.assumeNamespace();
    Identity identity = Identity.generate();
    WebRtcSession session = PeerSession.offer(TestNetns.config(), identity);
    try {
      SessionDescription offer = session.localDescription();
      assertEquals(identity.fingerprint(), ShortAuthString.fingerprint(offer));
    } finally {
      session.close();
    }
  }
}
