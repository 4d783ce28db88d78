package dev.p2ptunnel.webrtc.internal;

import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.FULL;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.READ;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.allow;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.principal;
import static dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem.setAcl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2ptunnel.webrtc.internal.dirs.WindowsFileSystem;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cached libwebrtc on Windows (NTFS, modelled by an in-memory file system with ACLs and no POSIX view): a copy in
 * a directory another user could write is not loaded (DLL planting), a copy in a default user profile is.
 */
class NativeCacheWindowsTest {
  private static final byte[] LIBRARY = "not really a DLL".getBytes(StandardCharsets.UTF_8);

  @TempDir Path jar;
  private final FileSystem fs = WindowsFileSystem.withInheritedAcl(WindowsFileSystem.userProfileAcl());
  private final Path localAppData = fs.getPath("C:\\Users\\alice\\AppData\\Local");
  private final Path copy = localAppData.resolve("p2p-tunnel\\native\\0000abcd-16\\webrtc-java-windows-x86_64.dll");

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  @Test
  void aCopyItMakesIsTheUsersAndIsLoaded() throws IOException {
    Files.createDirectories(localAppData);

    assertEquals(copy, NativeCache.cachedCopy(resource(), copy, LIBRARY.length));

    assertArrayEquals(LIBRARY, Files.readAllBytes(copy));
    for (Path dir : List.of(copy.getParent(), copy.getParent().getParent())) {
      assertEquals(List.of(allow(principal(WindowsFileSystem.user()), FULL, AclEntryFlag.FILE_INHERIT,
          AclEntryFlag.DIRECTORY_INHERIT)), WindowsFileSystem.acl(dir), dir + " is made owner-only");
    }
  }

  @Test
  void aDefaultLocalAppDataPassesOrEveryWindowsStartWouldUnpackLibwebrtcAgain() throws IOException {
    // Directories made by an earlier version (or by hand) inherit what %LOCALAPPDATA% passes on by default: the user,
    // SYSTEM and Administrators with full control ((OI)(CI)F). Only the user can plant a DLL there.
    Files.createDirectories(copy.getParent());
    Files.write(copy, LIBRARY);

    assertEquals(copy, NativeCache.cachedCopy(resource(), copy, LIBRARY.length));
  }

  @Test
  void aDirectoryOrdinaryUsersMayWriteIsRefused() throws IOException {
    makeCopy();
    // What "C:\p2p" made by hand gets from C:\ by default: Authenticated Users may modify, Users may add files.
    List<AclEntry> acl = new ArrayList<>(WindowsFileSystem.userProfileAcl());
    acl.add(allow(principal("NT AUTHORITY\\Authenticated Users"), EnumSet.of(AclEntryPermission.WRITE_DATA,
        AclEntryPermission.APPEND_DATA, AclEntryPermission.READ_DATA)));
    setAcl(copy.getParent(), acl);

    assertNull(NativeCache.cachedCopy(resource(), copy, LIBRARY.length));
  }

  @Test
  void anyRightToChangeTheDirectoryCountsAndSoDoEntriesForWhatIsMadeInside() throws IOException {
    makeCopy();
    for (EnumSet<AclEntryPermission> right : List.of(EnumSet.of(AclEntryPermission.APPEND_DATA),
        EnumSet.of(AclEntryPermission.DELETE_CHILD), EnumSet.of(AclEntryPermission.DELETE),
        EnumSet.of(AclEntryPermission.WRITE_ACL), EnumSet.of(AclEntryPermission.WRITE_OWNER))) {
      setAcl(copy.getParent(), List.of(allow(principal(WindowsFileSystem.user()), FULL),
          allow(principal("DESKTOP-1\\bob"), right)));
      assertFalse(NativeCache.privateTo(copy.getParent()), right.toString());
    }
    // Users may write the files made inside (the library itself), though not the directory.
    setAcl(copy.getParent(), List.of(allow(principal(WindowsFileSystem.user()), FULL),
        allow(principal("BUILTIN\\Users"), EnumSet.of(AclEntryPermission.WRITE_DATA), AclEntryFlag.FILE_INHERIT,
            AclEntryFlag.INHERIT_ONLY)));
    assertFalse(NativeCache.privateTo(copy.getParent()), "inherit-only write");
  }

  @Test
  void othersReadingOrBeingDeniedIsFineAndSoIsCreatorOwner() throws IOException {
    makeCopy();
    setAcl(copy.getParent(), List.of(allow(principal(WindowsFileSystem.user()), FULL),
        allow(principal("Everyone"), READ),
        AclEntry.newBuilder().setType(AclEntryType.DENY).setPrincipal(principal("BUILTIN\\Users"))
            .setPermissions(FULL).build(),
        allow(principal("\\CREATOR OWNER"), FULL, AclEntryFlag.FILE_INHERIT, AclEntryFlag.INHERIT_ONLY),
        allow(principal("S-1-5-18"), FULL))); // SYSTEM where its name could not be looked up

    assertTrue(NativeCache.privateTo(copy.getParent()));
  }

  @Test
  void aDirectoryAnotherUserOwnsIsRefused() throws IOException {
    makeCopy();
    Files.setOwner(copy.getParent(), principal("DESKTOP-1\\bob"));

    assertNull(NativeCache.cachedCopy(resource(), copy, LIBRARY.length));
  }

  private void makeCopy() throws IOException {
    Files.createDirectories(localAppData);
    assertEquals(copy, NativeCache.cachedCopy(resource(), copy, LIBRARY.length));
  }

  private URL resource() throws IOException {
    Path entry = jar.resolve("jar-entry");
    Files.write(entry, LIBRARY);
    return entry.toUri().toURL();
  }
}
