package dev.p2ptunnel.webrtc;

import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.allow;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.principal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.internal.PeerSession;
import dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
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
  void onWindowsTheKeyAndSessionSecretAreTheUsersAloneWhateverTheDirectoryAbovePassesOn() throws Exception {
    // A roaming profile or a folder the user chose, which lets others read (and Users write) what is made in it.
    List<AclEntry> inherited = List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL),
        allow(principal("Everyone"), WindowsFileSystem.READ),
        allow(principal("BUILTIN\\Users"), EnumSet.of(AclEntryPermission.WRITE_DATA, AclEntryPermission.READ_DATA)));
    try (FileSystem fs = WindowsFileSystem.withInheritedAcl(inherited)) {
      Path home = fs.getPath("C:\\Users\\alice\\AppData\\Roaming\\p2p-tunnel");
      Identity first = Identity.loadOrCreate(home);

      List<AclEntry> userOnly = List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL));
      assertEquals(userOnly, WindowsFileSystem.acl(home.resolve("identity-key.pem")));
      assertEquals(userOnly, WindowsFileSystem.acl(home.resolve("session-secret")));
      assertEquals(List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL,
          AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT)), WindowsFileSystem.acl(home),
          "the directory it made is the user's too, and passes that on");
      assertEquals(first.fingerprint(), Identity.loadOrCreate(home).fingerprint());
      assertEquals(List.of("identity-cert.pem", "identity-key.pem", "session-secret"), names(home),
          "no temporary file left behind");
    }
  }

  @Test
  void withoutPermissionsOrHardLinksTheIdentityIsStillMadeOnceByRenaming() throws Exception {
    try (FileSystem fs = WindowsFileSystem.withoutPermissions()) {
      Path home = fs.getPath("C:\\p2p-tunnel");
      Identity first = Identity.loadOrCreate(home);

      assertEquals(first.fingerprint(), Identity.loadOrCreate(home).fingerprint());
      assertEquals(List.of("identity-cert.pem", "identity-key.pem", "session-secret"), names(home));
    }
  }

  private static List<String> names(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
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
