package dev.p2ptunnel.webrtc;

import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.allow;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.principal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.internal.LogCapture;
import dev.p2ptunnel.webrtc.internal.PeerSession;
import dev.p2ptunnel.webrtc.internal.dirs.InUseRetry;
import dev.p2ptunnel.webrtc.internal.dirs.PrivateFiles;
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

  @Test
  void aKeyOthersMayReadIsLoadedWithAWarningThatSaysHowToMakeItPrivate(@TempDir Path dir) throws Exception {
    Identity first = Identity.loadOrCreate(dir);
    List<AclEntry> earlier = List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL),
        allow(principal("Everyone"), WindowsFileSystem.READ));
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    LogCapture log = LogCapture.of(Identity.class.getName(), record -> {
      if (record.getLevel() == java.util.logging.Level.WARNING) {
        warnings.add(record.getMessage());
      }
    });
    try (log; FileSystem fs = WindowsFileSystem.withInheritedAcl(earlier)) {
      if (PrivateFiles.posix(dir)) { // a key a person opened up
        Files.setPosixFilePermissions(dir.resolve("identity-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(first.fingerprint(), Identity.loadOrCreate(dir).fingerprint(), "still loaded");
        assertEquals(List.of(dir.resolve("identity-key.pem") + " can be read by group, others, not only by you; make"
            + " it private: chmod 600 '" + dir.resolve("identity-key.pem") + "'"), warnings);
        warnings.clear();
      }
      // Written by an earlier version on Windows: the files got the ACL of a directory everyone may read.
      Path home = fs.getPath("C:\\p2p-tunnel");
      Files.createDirectories(home);
      for (String name : List.of("identity-key.pem", "identity-cert.pem", "session-secret")) {
        Files.copy(dir.resolve(name), home.resolve(name));
      }
      assertEquals(first.fingerprint(), Identity.loadOrCreate(home).fingerprint());
      String you = PrivateFiles.currentUserName();
      assertEquals(List.of("C:\\p2p-tunnel\\identity-key.pem can be read by Everyone, not only by you; make it"
          + " private: icacls \"C:\\p2p-tunnel\\identity-key.pem\" /inheritance:r /grant:r \"" + you + ":F\""
          + " /remove \"Everyone\"",
          "C:\\p2p-tunnel\\session-secret can be read by Everyone, not only by you; make it private: icacls"
          + " \"C:\\p2p-tunnel\\session-secret\" /inheritance:r /grant:r \"" + you + ":F\" /remove \"Everyone\""),
          warnings);
    }
  }

  @Test
  void withoutHardLinksARenameRefusedWhileAScannerHoldsTheFileIsTriedAgain() throws Exception {
    try (FileSystem fs = WindowsFileSystem.withoutPermissions()) {
      Path home = Files.createDirectories(fs.getPath("C:\\p2p-tunnel"));
      List<java.time.Duration> pauses = new java.util.ArrayList<>();
      int[] refusals = {2};
      Identity.publish(home.resolve("session-secret"), "secret\n", true, new InUseRetry(pauses::add),
          (temp, target) -> {
            if (refusals[0]-- > 0) {
              throw new java.nio.file.FileSystemException(temp.toString(), target.toString(), "The process cannot"
                  + " access the file because it is being used by another process");
            }
            Identity.Rename.ATOMIC.move(temp, target);
          });

      assertEquals(List.of(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20)), pauses);
      assertEquals("secret\n", Files.readString(home.resolve("session-secret"), StandardCharsets.US_ASCII));
      assertEquals(List.of("session-secret"), names(home), "no temporary file left behind");

      java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.nio.file.FileSystemException.class, () -> Identity.publish(home.resolve("identity-key.pem"), "key\n",
              true, new InUseRetry(pauses::add), (temp, target) -> {
                throw new java.nio.file.AccessDeniedException(temp.toString());
              }));
      assertTrue(e.getMessage().startsWith("C:\\p2p-tunnel\\identity-key.pem: cannot create it: "), e.getMessage());
      assertEquals(List.of("session-secret"), names(home), "nothing half-made, no temporary file left behind");
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
