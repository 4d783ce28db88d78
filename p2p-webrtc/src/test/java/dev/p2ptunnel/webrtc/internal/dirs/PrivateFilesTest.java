package dev.p2ptunnel.webrtc.internal.dirs;

import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.READ;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.acl;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.allow;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.principal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Private files and directories on POSIX, on Windows-like ACL file systems, and on ones with neither. */
class PrivateFilesTest {
  /** What a directory other users may read would pass on (a roaming profile, a folder the user chose). */
  private static final List<AclEntry> EVERYONE_READS = List.of(
      allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL),
      allow(principal("Everyone"), READ),
      allow(principal("BUILTIN\\Users"), EnumSet.of(AclEntryPermission.WRITE_DATA, AclEntryPermission.READ_DATA)));

  @Test
  void aTemporaryFileOnAnAclFileSystemIsTheUsersAloneBeforeAnythingIsWrittenToIt() throws IOException {
    try (FileSystem fs = WindowsFileSystem.withInheritedAcl(EVERYONE_READS)) {
      Path dir = Files.createDirectories(fs.getPath("C:\\Users\\alice\\AppData\\Roaming\\p2p-tunnel"));

      Path file = PrivateFiles.createTempFile(dir, ".identity-key.pem", ".tmp");

      assertEquals(0, Files.size(file), "empty: the caller writes after this");
      List<AclEntry> acl = acl(file);
      assertEquals(1, acl.size(), acl.toString());
      AclEntry only = acl.get(0);
      assertEquals(AclEntryType.ALLOW, only.type());
      assertEquals(principal(WindowsFileSystem.user()), only.principal(), "the current user");
      assertEquals(EnumSet.allOf(AclEntryPermission.class), only.permissions(), "full control");
      assertTrue(only.flags().isEmpty(), "a file passes nothing on: " + only.flags());
    }
  }

  @Test
  void directoriesItMakesOnAnAclFileSystemAreTheUsersAloneAndPassThatOnButExistingOnesAreLeftAlone()
      throws IOException {
    try (FileSystem fs = WindowsFileSystem.withInheritedAcl(EVERYONE_READS)) {
      Path existing = Files.createDirectories(fs.getPath("C:\\Users\\alice\\AppData\\Roaming"));

      PrivateFiles.createDirectories(existing.resolve("p2p-tunnel\\more"));

      for (Path made : List.of(existing.resolve("p2p-tunnel"), existing.resolve("p2p-tunnel\\more"))) {
        List<AclEntry> acl = acl(made);
        assertEquals(1, acl.size(), made + ": " + acl);
        assertEquals(principal(WindowsFileSystem.user()), acl.get(0).principal());
        assertEquals(EnumSet.allOf(AclEntryPermission.class), acl.get(0).permissions());
        assertEquals(EnumSet.of(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT), acl.get(0).flags(),
            "what is made inside inherits it");
      }
      assertEquals(EVERYONE_READS, acl(existing), "a directory that was there keeps its ACL");
      PrivateFiles.createDirectories(existing.resolve("p2p-tunnel\\more")); // there: nothing to do, no error
    }
  }

  @Test
  void withoutPosixOrAclAFileIsMadeAsBefore() throws IOException {
    try (FileSystem fs = WindowsFileSystem.withoutPermissions()) {
      Path dir = fs.getPath("C:\\p2p-tunnel");
      PrivateFiles.createDirectories(dir);

      Path file = PrivateFiles.createTempFile(dir, ".session-secret", ".tmp");

      assertTrue(Files.isRegularFile(file));
      assertTrue(Files.isDirectory(dir));
    }
  }

  @Test
  void otherReadersAreThoseBesidesTheUserSystemAndAdministratorsWhoMayRead() throws IOException {
    try (FileSystem fs = WindowsFileSystem.withInheritedAcl(WindowsFileSystem.userProfileAcl())) {
      Path dir = Files.createDirectories(fs.getPath("C:\\Users\\alice\\AppData\\Roaming\\p2p-tunnel"));
      Path key = Files.createFile(dir.resolve("identity-key.pem"));
      assertEquals(List.of(), PrivateFiles.otherReaders(key), "a default profile: the user, SYSTEM, Administrators");

      WindowsFileSystem.setAcl(key, EVERYONE_READS);
      assertEquals(List.of("Everyone", "BUILTIN\\Users"), PrivateFiles.otherReaders(key));

      WindowsFileSystem.setAcl(key, List.of(allow(principal(WindowsFileSystem.user()), WindowsFileSystem.FULL),
          allow(principal("BUILTIN\\Users"), EnumSet.of(AclEntryPermission.WRITE_DATA))));
      assertEquals(List.of(), PrivateFiles.otherReaders(key), "who may only write does not read the secret");
    }
  }

  @Test
  void otherReadersOnPosixAreTheGroupAndOthersByTheirReadBits(@TempDir Path dir) throws IOException {
    assumeTrue(PrivateFiles.posix(dir), "needs a POSIX file system");
    Path file = Files.createFile(dir.resolve("identity-key.pem"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(List.of("group", "others"), PrivateFiles.otherReaders(file));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertEquals(List.of(), PrivateFiles.otherReaders(file));
  }

  @Test
  void onPosixItIs0600And0700(@TempDir Path dir) throws IOException {
    assumeTrue(PrivateFiles.posix(dir), "needs a POSIX file system");
    Path made = dir.resolve("a/b");
    PrivateFiles.createDirectories(made);
    Path file = PrivateFiles.createTempFile(made, "x", ".tmp");

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.getParent())));
  }
}
