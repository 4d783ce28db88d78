package dev.p2ptunnel.webrtc.internal.dirs;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Feature;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;

/**
 * An in-memory file system that behaves like NTFS for what p2p-tunnel asks of it (Jimfs): Windows paths, no POSIX
 * view, the "owner" and "acl" views, files owned by the user the library takes for the current one. Jimfs does not
 * inherit ACLs from the directory: every new file gets the ACL given here, which stands for what Windows would have
 * it inherit (pass a permissive one to stand for a directory other users may read).
 */
public final class WindowsFileSystem {
  /** Full control, as Windows' "F". */
  public static final EnumSet<AclEntryPermission> FULL = EnumSet.allOf(AclEntryPermission.class);
  /** Read and execute, as Windows' "RX". */
  public static final EnumSet<AclEntryPermission> READ = EnumSet.of(AclEntryPermission.READ_DATA,
      AclEntryPermission.READ_ATTRIBUTES, AclEntryPermission.READ_NAMED_ATTRS, AclEntryPermission.READ_ACL,
      AclEntryPermission.EXECUTE, AclEntryPermission.SYNCHRONIZE);

  private static final FileSystem PRINCIPALS = Jimfs.newFileSystem(Configuration.windows());

  private WindowsFileSystem() {}

  /** The name {@link PrivateFiles#currentUser} looks up here. */
  public static String user() {
    return PrivateFiles.currentUserName();
  }

  /** A file system like NTFS whose new files and directories get {@code inherited} as their ACL. */
  public static FileSystem withInheritedAcl(List<AclEntry> inherited) {
    return Jimfs.newFileSystem(Configuration.windows().toBuilder()
        .setAttributeViews("basic", "owner", "acl", "dos")
        .setDefaultAttributeValue("owner:owner", user())
        .setDefaultAttributeValue("acl:acl", inherited)
        .build());
  }

  /** Like FAT32 or some network shares: no POSIX view, no owner, no ACL; no hard links either. */
  public static FileSystem withoutPermissions() {
    return Jimfs.newFileSystem(Configuration.windows().toBuilder()
        .setAttributeViews("basic", "dos")
        .setSupportedFeatures(Feature.FILE_CHANNEL)
        .build());
  }

  /**
   * A principal by name ({@code "NT AUTHORITY\\SYSTEM"}, {@code "BUILTIN\\Users"}), as every such file system knows it
   * (Jimfs principals are equal by name).
   */
  public static UserPrincipal principal(String name) {
    try {
      return PRINCIPALS.getUserPrincipalLookupService().lookupPrincipalByName(name);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An entry that allows {@code permissions} to {@code principal}, with {@code flags}. */
  public static AclEntry allow(UserPrincipal principal, EnumSet<AclEntryPermission> permissions,
      AclEntryFlag... flags) {
    return AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(principal).setPermissions(permissions)
        .setFlags(flags).build();
  }

  /**
   * What a directory the user makes in a default {@code %LOCALAPPDATA%} or {@code %APPDATA%} inherits: the user,
   * SYSTEM and Administrators with full control, passed on to what is made inside ((OI)(CI)F).
   */
  public static List<AclEntry> userProfileAcl() {
    return List.of(
        allow(principal("NT AUTHORITY\\SYSTEM"), FULL, AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT),
        allow(principal("BUILTIN\\Administrators"), FULL, AclEntryFlag.FILE_INHERIT,
            AclEntryFlag.DIRECTORY_INHERIT),
        allow(principal(user()), FULL, AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT));
  }

  /** The ACL of {@code path}. */
  public static List<AclEntry> acl(Path path) throws IOException {
    return Files.getFileAttributeView(path, AclFileAttributeView.class).getAcl();
  }

  /** Sets the ACL of {@code path}. */
  public static void setAcl(Path path, List<AclEntry> acl) throws IOException {
    Files.getFileAttributeView(path, AclFileAttributeView.class).setAcl(acl);
  }
}
