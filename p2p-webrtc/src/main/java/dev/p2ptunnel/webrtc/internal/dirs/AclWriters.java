package dev.p2ptunnel.webrtc.internal.dirs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whether a directory's access-control list (Windows NTFS) lets anyone but its user change what is in it: the check
 * behind {@link WriteAccess} on Windows, which keeps p2p-tunnel from loading a libwebrtc copy or a class archive
 * another user could have planted (a DLL planting attack, or their classes in our JVM).
 *
 * <p>The directory passes when its owner is the current user and no entry allows writing, appending, deleting, or
 * changing the ACL or owner to anyone but the owner, {@code SYSTEM} and {@code Administrators}, who can do anything on
 * the machine anyway. Entries that apply only to what is made inside ({@code INHERIT_ONLY}) count too: they would give
 * their rights over the library file itself; {@code CREATOR OWNER} is the creator of each new file, so it is allowed.
 * Deny entries only take rights away and are ignored. A default {@code %LOCALAPPDATA%} passes: it and what is made in
 * it hold the user, {@code SYSTEM} and {@code Administrators}, all with full control.
 *
 * <p>Java names a Windows principal {@code DOMAIN\name} as {@code LookupAccountSid} gives it (its
 * {@code UserPrincipal.getName()}), or the SID string when that lookup fails, and compares principals by SID. The
 * well-known ones are taken by those names: {@code NT AUTHORITY\SYSTEM} (S-1-5-18), {@code BUILTIN\Administrators}
 * (S-1-5-32-544), {@code \CREATOR OWNER} (S-1-3-0; no domain). Windows in another language names them in that
 * language ({@code VORDEFINIERT\Administratoren}): there the check fails, p2p-tunnel does not use its copy, and
 * webrtc-java unpacks libwebrtc into the temporary directory on every start, as it does without the cache (slower,
 * never less safe). Stateless and thread-safe.
 */
final class AclWriters {
  /** Rights that let their holder change what the directory holds, or give themselves that right. */
  private static final Set<AclEntryPermission> WRITING = EnumSet.of(AclEntryPermission.WRITE_DATA,
      AclEntryPermission.APPEND_DATA, AclEntryPermission.DELETE, AclEntryPermission.DELETE_CHILD,
      AclEntryPermission.WRITE_ACL, AclEntryPermission.WRITE_OWNER);
  private AclWriters() {}

  /**
   * Whether only {@code currentUser} (as its owner), SYSTEM and Administrators may change what {@code directory}
   * holds, by its ACL.
   *
   * @throws IOException if the directory's owner or ACL cannot be read
   */
  static boolean onlyOwnerMayWrite(Path directory, UserPrincipal currentUser) throws IOException {
    AclFileAttributeView view = Files.getFileAttributeView(directory, AclFileAttributeView.class);
    if (view == null) {
      return false;
    }
    UserPrincipal owner = view.getOwner();
    if (!owner.equals(currentUser)) {
      return false;
    }
    for (AclEntry entry : view.getAcl()) {
      if (entry.type() == AclEntryType.ALLOW && !entry.principal().equals(owner)
          && !PrivateFiles.administrative(entry.principal())
          && entry.permissions().stream().anyMatch(WRITING::contains)) {
        return false;
      }
    }
    return true;
  }
}
