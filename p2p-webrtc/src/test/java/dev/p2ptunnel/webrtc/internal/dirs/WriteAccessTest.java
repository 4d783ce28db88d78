package dev.p2ptunnel.webrtc.internal.dirs;

import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.FULL;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.READ;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.allow;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.principal;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.setAcl;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one check of "a directory no other user can write" behind the libwebrtc cache and the demo's class archives: by
 * owner and permission bits on POSIX, by owner and ACL on Windows (an in-memory NTFS), unchecked without either.
 */
class WriteAccessTest {
  @TempDir Path dir;

  @Test
  void posixGroupOrOtherWriteIsRefusedReadIsFine() throws IOException {
    assumeTrue(PrivateFiles.posix(dir), "POSIX file system");
    for (String mode : List.of("rwx------", "rwxr-xr-x", "rwxr-x---", "r-x------")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
      assertTrue(WriteAccess.onlyUserMayWrite(dir), mode);
    }
    for (String mode : List.of("rwxrwx---", "rwx---rwx", "rwx-w----", "rwx----w-", "rwxrwxrwx")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
      assertFalse(WriteAccess.onlyUserMayWrite(dir), mode);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void posixDirectoryOfAnotherOwnerIsRefused() throws IOException {
    assumeTrue(PrivateFiles.posix(dir), "POSIX file system");
    String user = System.getProperty("user.name");
    try {
      System.setProperty("user.name", user + "-not");
      assertFalse(WriteAccess.onlyUserMayWrite(dir), "owned by " + user);
    } finally {
      System.setProperty("user.name", user);
    }
  }

  @Test
  void aMissingDirectoryIsAnError() {
    assertThrows(IOException.class, () -> WriteAccess.onlyUserMayWrite(dir.resolve("missing")));
  }

  @Test
  void windowsUserProfileDirectoryPassesAnotherWriterDoesNot() throws IOException {
    try (FileSystem fs = WindowsFileSystem.withInheritedAcl(WindowsFileSystem.userProfileAcl())) {
      Path made = Files.createDirectories(fs.getPath("C:\\Users\\u\\AppData\\Local\\p2p-tunnel\\cds"));
      assertTrue(WriteAccess.checkable(made));
      assertTrue(WriteAccess.onlyUserMayWrite(made));
      setAcl(made, List.of(allow(principal(WindowsFileSystem.user()), FULL), allow(principal("Everyone"), READ)));
      assertTrue(WriteAccess.onlyUserMayWrite(made), "others reading");
      setAcl(made, List.of(allow(principal(WindowsFileSystem.user()), FULL),
          allow(principal("BUILTIN\\Users"), EnumSet.of(AclEntryPermission.WRITE_DATA))));
      assertFalse(WriteAccess.onlyUserMayWrite(made), "Users may add files");
    }
  }

  @Test
  void withoutPermissionsNothingCanBeChecked() throws IOException {
    try (FileSystem fs = WindowsFileSystem.withoutPermissions()) {
      Path made = Files.createDirectories(fs.getPath("C:\\cds"));
      assertFalse(WriteAccess.checkable(made));
      assertTrue(WriteAccess.onlyUserMayWrite(made));
    }
  }
}
