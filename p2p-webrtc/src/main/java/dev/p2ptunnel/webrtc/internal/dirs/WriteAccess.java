package dev.p2ptunnel.webrtc.internal.dirs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Whether a directory is one that no other user can write: where p2p-tunnel keeps files it later loads as code (the
 * libwebrtc copy, the demo's class archives), another user's file there would be their code in our process.
 *
 * <p>Cheap on POSIX on purpose: the demo's first JVM asks before it starts the second (docs/PERFORMANCE.md, the first
 * JVM's start), so that path reads one set of POSIX attributes and loads nothing else; the ACL code ({@link
 * AclWriters}, {@link PrivateFiles#currentUser}) is loaded only where the file system has ACLs and no POSIX view
 * (Windows). Stateless and thread-safe.
 */
public final class WriteAccess {
  private WriteAccess() {}

  /**
   * Whether only this user can write {@code directory}: where the file system is POSIX, its owner is {@code
   * user.name} and neither group nor others may write it; where it has ACLs (Windows), its owner is the current user
   * and no entry lets anyone but the owner, SYSTEM and Administrators write ({@link AclWriters}); true where it has
   * neither (FAT32: anyone may write anything there, and nothing better can be checked; {@link #checkable}).
   *
   * @throws IOException if the directory's owner or permissions cannot be read (it does not exist, say)
   */
  public static boolean onlyUserMayWrite(Path directory) throws IOException {
    Set<String> views = directory.getFileSystem().supportedFileAttributeViews();
    if (views.contains("posix")) {
      PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
      Set<PosixFilePermission> permissions = attributes.permissions();
      return attributes.owner().getName().equals(System.getProperty("user.name"))
          && !permissions.contains(PosixFilePermission.GROUP_WRITE)
          && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }
    if (views.contains("acl")) {
      return AclWriters.onlyOwnerMayWrite(directory, PrivateFiles.currentUser(directory));
    }
    return true;
  }

  /** Whether {@code path}'s file system can say who may write (POSIX permissions or ACLs); if not, nobody checks. */
  public static boolean checkable(Path path) {
    Set<String> views = path.getFileSystem().supportedFileAttributeViews();
    return views.contains("posix") || views.contains("acl");
  }
}
